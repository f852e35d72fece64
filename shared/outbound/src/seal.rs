//! Webhook secrets at rest: AES-256-GCM under keys derived from the service's key material, so a
//! leaked table leaks no secret, and a rotation of the material keeps old rows readable.

use std::fmt;

use aws_lc_rs::aead::{AES_256_GCM, Aad, NONCE_LEN, Nonce, RandomizedNonceKey};
use aws_lc_rs::hkdf;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::secret::WebhookSecret;

/// Domain separation: the same material signs tokens elsewhere, and must yield unrelated keys.
const SALT: &[u8] = b"pirros webhook secrets";
const SEAL_INFO: &[u8] = b"seal v1";
const KEY_ID_INFO: &[u8] = b"key id v1";
const FORMAT: &str = "v1";
const MIN_MATERIAL_LEN: usize = 32;
const KEY_LEN: usize = 32;
const KEY_ID_LEN: usize = 4;
const TAG_LEN: usize = 16;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SealError {
    #[error("key material must be at least 32 bytes")]
    ShortMaterial,
    #[error("key derivation failed")]
    Derivation,
    #[error("sealed secret is malformed")]
    Malformed,
    #[error("sealed secret names a key that is neither the current nor the previous one")]
    UnknownKey,
    #[error("sealed secret does not open: altered, or sealed for another owner")]
    Rejected,
}

struct SealKey {
    id: [u8; KEY_ID_LEN],
    key: RandomizedNonceKey,
}

impl SealKey {
    fn derive(material: &str) -> Result<Self, SealError> {
        if material.len() < MIN_MATERIAL_LEN {
            return Err(SealError::ShortMaterial);
        }
        let prk = hkdf::Salt::new(hkdf::HKDF_SHA256, SALT).extract(material.as_bytes());
        let mut key_bytes = [0; KEY_LEN];
        expand(&prk, SEAL_INFO, &mut key_bytes)?;
        // The id is its own HKDF output, not a digest of the key, so it reveals nothing of it.
        let mut id = [0; KEY_ID_LEN];
        expand(&prk, KEY_ID_INFO, &mut id)?;
        let key =
            RandomizedNonceKey::new(&AES_256_GCM, &key_bytes).map_err(|_| SealError::Derivation)?;
        Ok(Self { id, key })
    }

    fn hex_id(&self) -> String {
        self.id.iter().map(|b| format!("{b:02x}")).collect()
    }
}

struct Len(usize);

impl hkdf::KeyType for Len {
    fn len(&self) -> usize {
        self.0
    }
}

fn expand(prk: &hkdf::Prk, info: &[u8], out: &mut [u8]) -> Result<(), SealError> {
    let info = [info];
    prk.expand(&info, Len(out.len()))
        .and_then(|okm| okm.fill(out))
        .map_err(|_| SealError::Derivation)
}

/// Seals with the current key; opens with whichever key the sealed form names.
pub struct Sealer {
    current: SealKey,
    previous: Option<SealKey>,
}

impl Sealer {
    pub fn new(current: &str, previous: Option<&str>) -> Result<Self, SealError> {
        Ok(Self {
            current: SealKey::derive(current)?,
            previous: previous.map(SealKey::derive).transpose()?,
        })
    }

    /// `v1.<key id hex>.<base64url(nonce || ciphertext || tag)>`. `aad` binds the result to its
    /// owner (e.g. the endpoint id): copied to another owner, it does not open.
    pub fn seal(&self, secret: &WebhookSecret, aad: &[u8]) -> String {
        let mut in_out = secret.as_bytes().to_vec();
        let nonce = self
            .current
            .key
            .seal_in_place_append_tag(Aad::from(aad), &mut in_out)
            // Fails only past GCM's length limit (gigabytes); a secret is at most 64 bytes.
            .expect("AES-GCM seals a 64-byte secret");
        let mut payload = Vec::with_capacity(NONCE_LEN + in_out.len());
        payload.extend_from_slice(nonce.as_ref());
        payload.extend_from_slice(&in_out);
        format!(
            "{FORMAT}.{}.{}",
            self.current.hex_id(),
            URL_SAFE_NO_PAD.encode(payload)
        )
    }

    pub fn open(&self, sealed: &str, aad: &[u8]) -> Result<WebhookSecret, SealError> {
        let mut parts = sealed.splitn(3, '.');
        let (Some(FORMAT), Some(id), Some(payload)) = (parts.next(), parts.next(), parts.next())
        else {
            return Err(SealError::Malformed);
        };
        let id = parse_key_id(id)?;
        let payload = URL_SAFE_NO_PAD
            .decode(payload)
            .map_err(|_| SealError::Malformed)?;
        if payload.len() < NONCE_LEN + TAG_LEN {
            return Err(SealError::Malformed);
        }
        let (nonce, ciphertext) = payload.split_at(NONCE_LEN);

        // Two materials may share a 32-bit id, so every key bearing it gets a try.
        let mut candidates = [Some(&self.current), self.previous.as_ref()]
            .into_iter()
            .flatten()
            .filter(|key| key.id == id)
            .peekable();
        if candidates.peek().is_none() {
            return Err(SealError::UnknownKey);
        }
        for key in candidates {
            let nonce =
                Nonce::try_assume_unique_for_key(nonce).map_err(|_| SealError::Malformed)?;
            let mut in_out = ciphertext.to_vec();
            if let Ok(plain) = key.key.open_in_place(nonce, Aad::from(aad), &mut in_out) {
                return WebhookSecret::from_bytes(plain.to_vec()).map_err(|_| SealError::Malformed);
            }
        }
        Err(SealError::Rejected)
    }
}

fn parse_key_id(hex: &str) -> Result<[u8; KEY_ID_LEN], SealError> {
    if hex.len() != KEY_ID_LEN * 2 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(SealError::Malformed);
    }
    let mut id = [0; KEY_ID_LEN];
    for (i, byte) in id.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&hex[i * 2..i * 2 + 2], 16).map_err(|_| SealError::Malformed)?;
    }
    Ok(id)
}

impl fmt::Debug for Sealer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sealer")
            .field("current", &self.current.hex_id())
            .field("previous", &self.previous.as_ref().map(SealKey::hex_id))
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const OLD: &str = "old material, at least thirty-two bytes long";
    const NEW: &str = "new material, at least thirty-two bytes long";
    const OTHER: &str = "some other material, thirty-two bytes or more";

    fn sealer(current: &str, previous: Option<&str>) -> Sealer {
        Sealer::new(current, previous).expect("material is long enough")
    }

    #[test]
    fn round_trip() {
        let sealer = sealer(NEW, None);
        let secret = WebhookSecret::generate();
        let sealed = sealer.seal(&secret, b"ep_1");
        let opened = sealer.open(&sealed, b"ep_1").expect("opens");
        assert_eq!(opened.encoded(), secret.encoded());
    }

    #[test]
    fn sealed_form_is_printable_names_its_key_and_hides_the_secret() {
        let sealer = sealer(NEW, None);
        let secret = WebhookSecret::generate();
        let sealed = sealer.seal(&secret, b"ep_1");
        let parts: Vec<&str> = sealed.split('.').collect();
        assert_eq!(parts.len(), 3);
        assert_eq!(parts[0], "v1");
        assert_eq!(parts[1], sealer.current.hex_id());
        assert_eq!(parts[1].len(), 8);
        assert!(sealed.bytes().all(|b| b.is_ascii_graphic()));
        assert!(!sealed.contains(&secret.encoded()[6..]));
        // 12-byte nonce + 32-byte secret + 16-byte tag.
        assert_eq!(URL_SAFE_NO_PAD.decode(parts[2]).map(|p| p.len()), Ok(60));
    }

    #[test]
    fn nonces_are_fresh() {
        let sealer = sealer(NEW, None);
        let secret = WebhookSecret::generate();
        assert_ne!(sealer.seal(&secret, b"ep_1"), sealer.seal(&secret, b"ep_1"));
    }

    #[test]
    fn opens_after_rotation_and_seals_with_current() {
        let secret = WebhookSecret::generate();
        let sealed_before = sealer(OLD, None).seal(&secret, b"ep_1");

        let rotated = sealer(NEW, Some(OLD));
        let opened = rotated
            .open(&sealed_before, b"ep_1")
            .expect("previous key opens");
        assert_eq!(opened.encoded(), secret.encoded());

        let sealed_after = rotated.seal(&secret, b"ep_1");
        assert!(sealed_after.starts_with(&format!("v1.{}.", rotated.current.hex_id())));
        assert_eq!(
            sealer(NEW, None)
                .open(&sealed_after, b"ep_1")
                .map(|s| s.encoded()),
            Ok(secret.encoded())
        );
    }

    #[test]
    fn unknown_key_id_fails() {
        let sealed = sealer(OLD, None).seal(&WebhookSecret::generate(), b"ep_1");
        assert_eq!(
            sealer(NEW, Some(OTHER)).open(&sealed, b"ep_1").err(),
            Some(SealError::UnknownKey)
        );
    }

    #[test]
    fn wrong_aad_fails() {
        let sealer = sealer(NEW, None);
        let sealed = sealer.seal(&WebhookSecret::generate(), b"ep_1");
        assert_eq!(
            sealer.open(&sealed, b"ep_2").err(),
            Some(SealError::Rejected)
        );
    }

    #[test]
    fn tampering_fails() {
        let sealer = sealer(NEW, None);
        let sealed = sealer.seal(&WebhookSecret::generate(), b"ep_1");
        let (head, payload) = sealed.rsplit_once('.').expect("three parts");
        let mut bytes = URL_SAFE_NO_PAD.decode(payload).expect("base64url");
        for i in [0, NONCE_LEN, bytes.len() - 1] {
            bytes[i] ^= 1;
            let tampered = format!("{head}.{}", URL_SAFE_NO_PAD.encode(&bytes));
            assert_eq!(
                sealer.open(&tampered, b"ep_1").err(),
                Some(SealError::Rejected)
            );
            bytes[i] ^= 1;
        }
    }

    #[test]
    fn malformed_forms_fail() {
        let sealer = sealer(NEW, None);
        let id = sealer.current.hex_id();
        for bad in [
            "",
            "v1",
            &format!("v1.{id}"),
            &format!("v2.{id}.AAAA"),
            &format!("v1.{}.AAAA", &id[..6]),
            "v1.zzzzzzzz.AAAA",
            &format!("v1.{id}.not base64"),
            &format!("v1.{id}.{}", URL_SAFE_NO_PAD.encode([0u8; 27])),
        ] {
            assert_eq!(
                sealer.open(bad, b"ep_1").err(),
                Some(SealError::Malformed),
                "{bad}"
            );
        }
    }

    #[test]
    fn short_material_is_refused() {
        assert_eq!(
            Sealer::new("short", None).err(),
            Some(SealError::ShortMaterial)
        );
        assert_eq!(
            Sealer::new(NEW, Some("short")).err(),
            Some(SealError::ShortMaterial)
        );
        assert!(Sealer::new(&"x".repeat(32), None).is_ok());
        assert_eq!(
            Sealer::new(&"x".repeat(31), None).err(),
            Some(SealError::ShortMaterial)
        );
    }

    #[test]
    fn keys_depend_on_material() {
        assert_ne!(
            sealer(OLD, None).current.hex_id(),
            sealer(NEW, None).current.hex_id()
        );
        assert_eq!(
            sealer(NEW, None).current.hex_id(),
            sealer(NEW, None).current.hex_id()
        );
    }

    #[test]
    fn debug_shows_key_ids_only() {
        let shown = format!("{:?}", sealer(NEW, Some(OLD)));
        assert!(!shown.contains("material"));
        assert!(shown.contains(&sealer(NEW, None).current.hex_id()));
    }
}
