use leptos::prelude::*;
use leptos_router::components::{A, Outlet, Redirect};

use super::ErrorView;
use crate::api::{ApiError, CurrentUser, get_current_user};

/// The signed-in frame: header with navigation and the user's menu, then the
/// page. Without a session it sends the browser to `/login`.
#[component]
pub fn Shell() -> impl IntoView {
    let user = Resource::new(|| (), |_| get_current_user());

    view! {
        <Suspense>
            {move || Suspend::new(async move {
                match user.await {
                    Ok(user) => {
                        let user_for_context = user.clone();
                        provide_context(user_for_context);
                        view! { <Header user/> <main class="page"><Outlet/></main> }.into_any()
                    }
                    Err(ApiError::Unauthorized) => view! { <Redirect path="/login"/> }.into_any(),
                    Err(error) => view! { <main class="page"><ErrorView error/></main> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Header(user: CurrentUser) -> impl IntoView {
    let is_admin = user.role.is_admin();
    view! {
        <header class="topbar">
            <a class="brand" href="/search">"callscope"</a>
            <nav aria-label="Main">
                <A href="/search">"Search"</A>
                <A href="/overview">"Overview"</A>
                <A href="/feedback">"Feedback"</A>
                {is_admin.then(|| view! { <A href="/admin">"Admin"</A> })}
            </nav>
            <div class="user-menu">
                <span class="user-email">{user.email}</span>
                <span class="user-role">{user.role.as_str()}</span>
                <form method="post" action="/logout">
                    <button type="submit" class="link-button">"Sign out"</button>
                </form>
            </div>
        </header>
    }
}
