//! The actions of the admin pages' forms: one enum per page, shared by the
//! page that posts a form and the handler that reads it.
//!
//! A form names its action in its `intent` field. The page writes the
//! wire name from the enum ([`FormIntent::as_str`]) and the handler reads
//! the posted form into the enum (`#[serde(tag = "intent")]`), so a form
//! cannot post an action its handler does not know.

use serde::{Deserialize, Serialize};

/// The actions of one admin page's forms.
pub trait FormIntent: Copy + PartialEq + std::fmt::Debug + Send + Sync + 'static {
    /// Every action of the page.
    const ALL: &'static [Self];

    /// The action's name in the `intent` field.
    fn as_str(self) -> &'static str;

    /// The action named `name`, if the page has one.
    fn parse(name: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|intent| intent.as_str() == name)
    }
}

/// One page's actions: the enum, its wire names (serde's and `as_str`'s,
/// from the same literal) and [`FormIntent`].
macro_rules! form_intents {
    ($(#[$meta:meta])* $name:ident { $($(#[$doc:meta])* $variant:ident = $wire:literal,)+ }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
        #[serde(tag = "intent")]
        pub enum $name {
            $($(#[$doc])* #[serde(rename = $wire)] $variant,)+
        }

        impl $name {
            /// The action's name in the `intent` field.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => $wire,)+
                }
            }
        }

        impl FormIntent for $name {
            const ALL: &'static [Self] = &[$(Self::$variant,)+];

            fn as_str(self) -> &'static str {
                Self::as_str(self)
            }
        }
    };
}

form_intents! {
    /// The forms of `/admin`.
    AppsIntent {
        /// Create an app (`name`), showing its first secret.
        CreateApp = "create_app",
    }
}

form_intents! {
    /// The forms of `/admin/apps/{appID}`.
    AppIntent {
        /// Rename the app (`name`).
        Rename = "rename",
        /// Disable the app: its tokens stop working.
        Disable = "disable",
        /// Enable the app again.
        Enable = "enable",
        /// Set how long its data is kept (`statsDays`, `detailDays`, `webhookDays`).
        Retention = "retention",
        /// Create a secret (`label`), showing it once.
        RotateSecret = "rotate_secret",
        /// Revoke a secret (`secretID`).
        RevokeSecret = "revoke_secret",
        /// Whitelist an origin (`origin`).
        AddOrigin = "add_origin",
        /// Remove an origin from the whitelist (`origin`).
        RemoveOrigin = "remove_origin",
        /// Add a public key (`keyID`, `pem`).
        AddKey = "add_key",
        /// Revoke a public key (`keyID`).
        RevokeKey = "revoke_key",
        /// Add a webhook (its settings), showing its secret once.
        AddWebhook = "add_webhook",
        /// Remove a webhook (`webhookID`).
        RemoveWebhook = "remove_webhook",
    }
}

form_intents! {
    /// The forms of `/admin/apps/{appID}/webhooks/{id}`.
    WebhookIntent {
        /// Change the webhook's settings.
        UpdateWebhook = "update_webhook",
        /// Make a new signing secret, showing it once.
        RotateWebhookSecret = "rotate_webhook_secret",
        /// Send a delivery again (`deliveryID`).
        ReplayDelivery = "replay_delivery",
    }
}

form_intents! {
    /// The forms of `/admin/apps/{appID}/subject`.
    SubjectIntent {
        /// Download what is stored about the person.
        ExportSubject = "export_subject",
        /// Erase the person (`confirm` repeats the identifier).
        EraseSubject = "erase_subject",
    }
}

form_intents! {
    /// The forms of `/admin/users`.
    UsersIntent {
        /// Create a user (`email`, `role`, `password`).
        CreateUser = "create_user",
        /// Change a user's role (`email`, `role`).
        SetRole = "set_role",
        /// Grant a user an app (`email`, `app`).
        Grant = "grant",
        /// Withdraw a user's grant (`email`, `app`).
        RevokeGrant = "revoke_grant",
        /// Set a user's password (`email`, `password`), signing them out.
        ResetPassword = "reset_password",
        /// Disable a user (`email`), signing them out.
        DisableUser = "disable_user",
        /// Enable a user again (`email`).
        EnableUser = "enable_user",
    }
}
