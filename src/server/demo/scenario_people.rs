//! Who takes part in the demo's calls: userIDs as plain strings and as
//! `{userName, aliasName, loginID}` objects, in several scripts, and the
//! browsers they call from.

use rand::Rng;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use serde_json::{Value, json};

/// Which group of people a conference draws from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Crowd {
    /// Japanese names, userID objects.
    Japanese,
    /// Russian names, userID objects.
    Russian,
    /// Lao names, userID objects.
    Lao,
    /// Plain userID strings, some differing only in case.
    Plain,
    /// An office: userID objects with e-mail logins, and plain IDs.
    Office,
}

/// A participant as the SDK identifies them.
#[derive(Debug, Clone)]
pub struct Person {
    /// The wire localID: the plain userID, or the aliasName of an object.
    pub local_id: String,
    /// The real name, for a userID object.
    pub user_name: Option<String>,
    /// The login, for a userID object that has one.
    pub login_id: Option<String>,
    /// Which browser profile (deviceID) they call from.
    pub device_id: String,
    /// endpointInfo of their browser.
    pub endpoint_info: Value,
}

impl Person {
    /// The userID as the SDK sends it: an object when there is a real name.
    pub fn user_id(&self) -> Value {
        match &self.user_name {
            None => Value::String(self.local_id.clone()),
            Some(user_name) => {
                let mut object = json!({ "userName": user_name, "aliasName": self.local_id });
                if let Some(login) = &self.login_id {
                    object["loginID"] = Value::String(login.clone());
                }
                object
            }
        }
    }
}

const JAPANESE: &[(&str, &str, Option<&str>)] = &[
    ("田中 愛子", "aiko.t", Some("aiko.tanaka@example.jp")),
    ("佐藤 健", "ken.sato", Some("ken.sato@example.jp")),
    ("鈴木 花子", "花子", None),
    ("高橋 翔", "sho.t", Some("sho@example.jp")),
    ("伊藤 美咲", "misaki", None),
    ("渡辺 大輔", "daisuke.w", Some("daisuke.watanabe@example.jp")),
];

const RUSSIAN: &[(&str, &str, Option<&str>)] = &[
    ("Иван Петров", "ivan.p", Some("ivan.petrov@example.ru")),
    ("Мария Смирнова", "маша", None),
    ("Алексей Кузнецов", "alexk", Some("a.kuznetsov@example.ru")),
    ("Ольга Попова", "olga.p", None),
    ("Дмитрий Соколов", "дима", Some("dima@example.ru")),
    ("Наталья Волкова", "natasha.v", None),
    ("Сергей Лебедев", "sergei", Some("s.lebedev@example.ru")),
    ("Анна Козлова", "anna.k", None),
];

const LAO: &[(&str, &str, Option<&str>)] = &[
    ("ສຸກສະຫວັນ ພົມມະຈັນ", "souksavanh", Some("souk@example.la")),
    ("ບຸນມີ ແກ້ວມະນີ", "bounmy", None),
    ("ຄຳແພງ ສີສຸວັນ", "ຄຳແພງ", None),
    ("ວົງສະຫວັນ ໄຊຍະວົງ", "vongsavanh", Some("vong@example.la")),
    ("ມະນີວອນ ແສງທອງ", "manivone", None),
];

const OFFICE: &[(&str, &str, Option<&str>)] = &[
    ("Alice Johnson", "alice.j", Some("alice.johnson@example.com")),
    ("Bob Smith", "bsmith", Some("bob@example.com")),
    ("Carol Núñez", "carol.n", None),
    ("Dave O'Brien", "dave.ob", Some("dave.obrien@example.com")),
    ("Erin Müller", "erin.m", Some("erin.mueller@example.de")),
    ("Frank Dubois", "frank", None),
    ("Grace Kim", "grace.k", Some("grace@example.com")),
    ("Heidi Lindqvist", "heidi.l", None),
];

/// Plain userIDs: opaque strings, case-sensitive (`Alice` is not `alice`).
const PLAIN: &[&str] =
    &["alice", "Alice", "bob", "carol", "dave", "agent-0042", "customer-7781", "user_19", "josé", "ALICE", "zoë", "42"];

/// (browser, version, os, osVersion)
const BROWSERS: &[(&str, &str, &str, &str)] = &[
    ("Chrome", "131.0.6778.86", "Windows", "10"),
    ("Chrome", "131.0.6778.85", "macOS", "14.6"),
    ("Firefox", "133.0", "Linux", "6.8"),
    ("Safari", "18.1", "macOS", "15.1"),
    ("Edge", "131.0.2903.70", "Windows", "11"),
    ("Chrome", "131.0.6778.81", "Android", "14"),
    ("Safari", "18.1", "iOS", "18.1"),
];

/// `count` different people of `crowd`, each on a browser of their own.
pub fn pick(crowd: Crowd, count: usize, rng: &mut StdRng) -> Vec<Person> {
    let mut named: Vec<(String, Option<String>, Option<String>)> = match crowd {
        Crowd::Japanese => owned(JAPANESE),
        Crowd::Russian => owned(RUSSIAN),
        Crowd::Lao => owned(LAO),
        Crowd::Office => {
            let mut people = owned(OFFICE);
            people.extend(PLAIN[5..8].iter().map(|id| ((*id).to_owned(), None, None)));
            people
        }
        Crowd::Plain => PLAIN.iter().map(|id| ((*id).to_owned(), None, None)).collect(),
    };
    named.shuffle(rng);
    named
        .into_iter()
        .take(count)
        .map(|(local_id, user_name, login_id)| {
            let (name, version, os, os_version) = BROWSERS[rng.random_range(0..BROWSERS.len())];
            Person {
                local_id,
                user_name,
                login_id,
                device_id: format!("device-{:08x}", rng.random::<u32>()),
                endpoint_info: json!({
                    "type": "browser", "name": name, "version": version, "os": os, "osVersion": os_version,
                    "appVersion": "4.2.1",
                }),
            }
        })
        .collect()
}

fn owned(people: &[(&str, &str, Option<&str>)]) -> Vec<(String, Option<String>, Option<String>)> {
    people
        .iter()
        .map(|(name, alias, login)| ((*alias).to_owned(), Some((*name).to_owned()), login.map(str::to_owned)))
        .collect()
}

#[cfg(test)]
mod tests {
    use rand::SeedableRng;

    use super::*;

    #[test]
    fn an_object_user_id_is_sent_with_its_alias_as_local_id() {
        let mut rng = StdRng::seed_from_u64(1);
        let people = pick(Crowd::Russian, 4, &mut rng);
        assert_eq!(people.len(), 4);
        for person in &people {
            assert_eq!(person.user_id()["aliasName"], person.local_id.as_str());
            assert!(person.user_id()["userName"].is_string());
        }
        let plain = pick(Crowd::Plain, 3, &mut rng);
        assert!(plain.iter().all(|person| person.user_id() == Value::String(person.local_id.clone())));
    }

    #[test]
    fn people_in_one_call_are_different_users() {
        let mut rng = StdRng::seed_from_u64(7);
        let people = pick(Crowd::Office, 8, &mut rng);
        let mut ids: Vec<_> = people.iter().map(|person| person.local_id.as_str()).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), 8);
    }
}
