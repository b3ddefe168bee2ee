use crate::ui::components::PageTitle;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// `/login`: email and password, posted as a plain form to `POST /login`
/// so that signing in works with or without JavaScript.
#[component]
pub fn LoginPage() -> impl IntoView {
    let query = use_query_map();
    let failed = move || query.with(|q| q.get("error").is_some());
    let next = move || query.with(|q| q.get("next").unwrap_or_default());

    view! {
        <PageTitle text="Sign in"/>
        <main class="login">
            <form method="post" action="/login" class="card login-form">
                <h1>"Sign in to callscope"</h1>
                {move || failed().then(|| view! {
                    <p class="form-error" role="alert">"Wrong email or password."</p>
                })}
                <input type="hidden" name="next" value=next/>
                <label>
                    "Email"
                    <input type="email" name="email" autocomplete="username" required autofocus/>
                </label>
                <label>
                    "Password"
                    <input type="password" name="password" autocomplete="current-password" required/>
                </label>
                <button type="submit" class="primary">"Sign in"</button>
            </form>
        </main>
    }
}
