//! `wire_enum!`: the one way the collector declares an enum of the wire.

/// Declares a wire enum: its variants, their wire spellings (which are
/// their serde names and their database values, see the check constraints
/// in migrations/0004), `as_str()` returning the spelling, and its OpenAPI
/// schema. Each variant is documented with its spelling, before any doc
/// comment given for it.
///
/// The schema is written out, not derived, because the derive cannot be
/// made to document every spelling: it does not see a `literal` fragment
/// inside `#[serde(rename)]` (and would list the Rust names), and with the
/// spelling passed as a `tt` it still drops an empty rename, documenting
/// relayType's `""` as `Direct`. The OpenAPI tests check the spellings.
macro_rules! wire_enum {
    (
        $(#[doc = $doc:literal])*
        $name:ident { $($(#[doc = $variant_doc:literal])* $variant:ident = $wire:literal),+ $(,)? }
    ) => {
        $(#[doc = $doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
        pub enum $name {
            $(
                #[doc = concat!("`", $wire, "`")]
                $(#[doc = $variant_doc])*
                #[serde(rename = $wire)]
                $variant,
            )+
        }

        impl $name {
            /// The wire (and database) spelling.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => $wire,)+
                }
            }
        }

        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                utoipa::openapi::ObjectBuilder::new()
                    .schema_type(utoipa::openapi::schema::Type::String)
                    .description(Some(concat!($($doc, "\n"),*).trim()))
                    .enum_values(Some([$($wire),+]))
                    .into()
            }
        }

        impl utoipa::ToSchema for $name {}
    };
}
pub(super) use wire_enum;
