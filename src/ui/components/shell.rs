use leptos::prelude::*;
use leptos_router::components::{A, Outlet, Redirect};
use leptos_router::hooks::use_location;
use leptos_router::location::Url;

use super::ErrorView;
use crate::api::{ApiError, CurrentUser, get_current_user};

/// The signed-in frame: header with navigation and the user's menu, then the
/// page. Without a session (it ended while the page was open) it sends the
/// browser to `/login`, which brings the user back here afterwards.
#[component]
pub fn Shell() -> impl IntoView {
    let user = Resource::new(|| (), |_| get_current_user());
    let location = use_location();
    let login_then_back = move || {
        let (path, search) = (location.pathname.get_untracked(), location.search.get_untracked());
        let search = search.trim_start_matches('?');
        let here = if search.is_empty() { path } else { format!("{path}?{search}") };
        format!("/login?next={}", Url::escape(&here))
    };

    // The page sits outside the Suspense: re-rendering the header once the
    // user is known must not create the page (and its data loads) again.
    view! {
        <Suspense>
            {move || Suspend::new(async move {
                match user.await {
                    Ok(user) => view! { <Header user/> }.into_any(),
                    Err(ApiError::Unauthorized) => view! { <Redirect path=login_then_back()/> }.into_any(),
                    Err(error) => view! { <ErrorView error/> }.into_any(),
                }
            })}
        </Suspense>
        <main class="page"><Outlet/></main>
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
                <A href="/integration">"Integration"</A>
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
