use leptos::prelude::*;

/// The document's `<title>`: `text · callscope`, or `callscope` alone when
/// `text` is empty.
///
/// The only way the app sets the title (clippy refuses `leptos_meta::Title`
/// anywhere else, see `clippy.toml`). leptos_meta writes the title's text
/// into the server-rendered `<head>` as is, so a conferenceID such as
/// `</title><script>…` would become markup. Here the text is escaped the
/// way tachys escapes every other text node, on the server only: in the
/// browser the title is set through `document.title`, which takes text.
#[component]
pub fn PageTitle(
    /// What the page shows, in plain text (may hold anything a client sent).
    #[prop(into)]
    text: String,
) -> impl IntoView {
    let title = if text.is_empty() { "callscope".to_owned() } else { format!("{text} · callscope") };
    #[expect(clippy::disallowed_methods, reason = "the one place the title is set, escaped for the server's <head>")]
    let view = view! { <leptos_meta::Title text=for_document(title)/> };
    view
}

/// `title` as the `<title>` element's content: escaped in the server's
/// HTML, unchanged for `document.title` in the browser.
fn for_document(title: String) -> String {
    #[cfg(feature = "ssr")]
    {
        html_escape::encode_text(&title).into_owned()
    }
    #[cfg(not(feature = "ssr"))]
    {
        title
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::for_document;

    #[test]
    fn markup_in_a_title_is_written_as_text_on_the_server() {
        let title = for_document("c</title><script>window.__x=1</script> & co".to_owned());
        assert_eq!(title, "c&lt;/title&gt;&lt;script&gt;window.__x=1&lt;/script&gt; &amp; co");
    }
}
