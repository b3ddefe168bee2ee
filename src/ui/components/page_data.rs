use std::future::Future;
use std::sync::Arc;

use leptos::prelude::*;
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::{ErrorView, PageTitle};
use crate::api::ApiError;

/// A page's data as it loads: `children` with the data once `load` has
/// it, or the [`ErrorView`] (after the page title `error_title`, if given)
/// when it failed.
///
/// With a `loading` text the page waits as a `Transition`: that text the
/// first time, then what it showed until new data is there. Without one
/// it waits as a `Suspense` and shows nothing meanwhile (the admin pages,
/// whose forms answer with a whole page).
#[component]
pub fn PageData<T, Fut, L, C, V>(
    /// Awaits the page's resources; the page waits for those it awaits.
    load: L,
    /// What the page shows while it loads.
    #[prop(optional)]
    loading: Option<&'static str>,
    /// The page title shown with the error.
    #[prop(optional)]
    error_title: Option<&'static str>,
    /// The page, given its data.
    children: C,
) -> impl IntoView
where
    T: 'static,
    Fut: Future<Output = Result<T, ApiError>> + Send + 'static,
    L: Fn() -> Fut + Send + Sync + 'static,
    C: Fn(T) -> V + Send + Sync + 'static,
    V: IntoView + 'static,
{
    let (load, children) = (Arc::new(load), Arc::new(children));
    let content = move || {
        let (load, children) = (Arc::clone(&load), Arc::clone(&children));
        Suspend::new(async move {
            match load().await {
                Ok(data) => children(data).into_any(),
                Err(error) => match error_title {
                    Some(text) => view! { <PageTitle text/> <ErrorView error/> }.into_any(),
                    None => view! { <ErrorView error/> }.into_any(),
                },
            }
        })
    };
    match loading {
        Some(text) => view! {
            <Transition fallback=move || view! { <p class="loading">{text}</p> }>{content}</Transition>
        }
        .into_any(),
        None => view! { <Suspense>{content}</Suspense> }.into_any(),
    }
}

/// A page's resource for what its URL names: `fetch(key)`, or `NotFound`
/// while `key` is `None` (the URL names nothing valid, as an id that is not
/// a number).
pub fn resource_for<K, T, Fut>(
    key: impl Fn() -> Option<K> + Send + Sync + 'static,
    fetch: impl Fn(K) -> Fut + Send + Sync + 'static,
) -> Resource<Result<T, ApiError>>
where
    K: PartialEq + Clone + Send + Sync + 'static,
    T: Serialize + DeserializeOwned + Send + Sync + 'static,
    Fut: Future<Output = Result<T, ApiError>> + Send + 'static,
{
    Resource::new(key, move |key| {
        let fetched = key.map(&fetch);
        async move {
            match fetched {
                Some(fetched) => fetched.await,
                None => Err(ApiError::NotFound),
            }
        }
    })
}
