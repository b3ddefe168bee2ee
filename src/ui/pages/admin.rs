use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::list_users;
use crate::ui::components::ErrorView;

/// `/admin`: dashboard users (apps, secrets, keys and origins join here).
/// The data comes from an admin-only server function, so other roles get
/// a 403 and an explanation, whatever link they followed.
#[component]
pub fn AdminPage() -> impl IntoView {
    let users = Resource::new(|| (), |_| list_users());
    view! {
        <Title text="Admin"/>
        <Suspense>
            {move || Suspend::new(async move {
                match users.await {
                    Ok(users) => view! {
                        <h1>"Admin"</h1>
                        <h2>"Dashboard users"</h2>
                        <table class="data">
                            <thead><tr><th>"Email"</th><th>"Role"</th><th>"Created"</th><th>"Status"</th></tr></thead>
                            <tbody>
                                {users.into_iter().map(|user| view! {
                                    <tr>
                                        <td>{user.email}</td>
                                        <td>{user.role.as_str()}</td>
                                        <td>{user.created_at.format("%Y-%m-%d %H:%M UTC").to_string()}</td>
                                        <td>{if user.disabled { "disabled" } else { "active" }}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    }.into_any(),
                    Err(error) => view! { <ErrorView error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}
