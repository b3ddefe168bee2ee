use leptos::prelude::*;
use leptos_meta::{MetaTags, provide_meta_context};
use leptos_router::components::{ParentRoute, Redirect, Route, Router, Routes};
use leptos_router::{SsrMode, path};

use super::components::{NoncedHydrationScripts, PageTitle, Shell};
use super::pages::{
    AdminAppPage, AdminAppsPage, AdminAuditPage, AdminSubjectPage, AdminUsersPage, AdminWebhookPage, ConferencePage,
    ErrorDetailPage, FabricPage, FeedbackPage, IntegrationPage, LoginPage, NotFound, OverviewPage, SdpDetailPage,
    SearchPage,
};

/// The HTML document around the app, rendered on the server. The bundle's
/// URLs come from the [`SiteAssets`](crate::api::SiteAssets) context, not from
/// the site options leptos_axum passes.
pub fn shell(_options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                <NoncedHydrationScripts/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// The app: routes and their pages.
///
/// Every route renders fully on the server before the first byte is sent
/// (`SsrMode::Async`), so each page works without JavaScript and its status
/// code (401, 403, 404) is known when the headers go out.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    mark_hydrated();

    view! {
        <PageTitle text=""/>
        <Router>
            <Routes fallback=NotFound>
                <Route path=path!("/login") view=LoginPage ssr=SsrMode::Async/>
                <ParentRoute path=path!("") view=Shell ssr=SsrMode::Async>
                    <Route path=path!("") view=|| view! { <Redirect path="/search"/> } ssr=SsrMode::Async/>
                    <Route path=path!("/search") view=SearchPage ssr=SsrMode::Async/>
                    <Route path=path!("/conferences/:id") view=ConferencePage ssr=SsrMode::Async/>
                    <Route path=path!("/conferences/:id/fabrics/:fabric") view=FabricPage ssr=SsrMode::Async/>
                    <Route path=path!("/conferences/:id/errors/:error") view=ErrorDetailPage ssr=SsrMode::Async/>
                    <Route path=path!("/conferences/:id/fabrics/:fabric/sdps/:sdp") view=SdpDetailPage ssr=SsrMode::Async/>
                    <Route path=path!("/overview") view=OverviewPage ssr=SsrMode::Async/>
                    <Route path=path!("/feedback") view=FeedbackPage ssr=SsrMode::Async/>
                    <Route path=path!("/integration") view=IntegrationPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin") view=AdminAppsPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/apps/:app") view=AdminAppPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/apps/:app/subject") view=AdminSubjectPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/apps/:app/webhooks/:id") view=AdminWebhookPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/users") view=AdminUsersPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/audit") view=AdminAuditPage ssr=SsrMode::Async/>
                </ParentRoute>
            </Routes>
        </Router>
    }
}

/// Marks `<body data-hydrated>` once the app runs in the browser, so that
/// browser tests know when the page is interactive.
fn mark_hydrated() {
    Effect::new(move |_| {
        if let Some(body) = document().body() {
            // Failing to set a marker attribute only slows browser tests down.
            let _ = body.set_attribute("data-hydrated", "");
        }
    });
}
