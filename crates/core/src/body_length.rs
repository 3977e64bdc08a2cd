//! Whether a request body arrived whole: the bytes received against `Content-Length`.
//!
//! A platform that hands over less than was sent (a body it cannot read, an upload cut
//! short) must fail loudly rather than write a shorter file.

use crate::error::ApiError;

/// Checks `received` bytes against the declared `Content-Length`, where there is one.
///
/// ```
/// use owndir_core::body_length::check;
/// assert!(check(Some("5"), 5).is_ok());
/// assert!(check(None, 0).is_ok());
/// assert_eq!(check(Some("5"), 0).unwrap_err().status, 400);
/// ```
pub fn check(declared: Option<&str>, received: u64) -> Result<(), ApiError> {
    let Some(declared) = declared else { return Ok(()) };
    let Ok(expected) = declared.trim().parse::<u64>() else {
        return Err(ApiError::new(400, format!("Content-Length {declared:?} is not a number of bytes")));
    };
    if expected == received {
        Ok(())
    } else {
        Err(ApiError::new(
            400,
            format!("the request body has {received} bytes where Content-Length says {expected}: nothing was written"),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::check;

    #[test]
    fn a_body_of_the_declared_length_passes() {
        assert_eq!(check(Some("12"), 12), Ok(()));
        assert_eq!(check(Some(" 0 "), 0), Ok(()));
    }

    #[test]
    fn no_declared_length_takes_what_came() {
        assert_eq!(check(None, 1234), Ok(()));
    }

    #[test]
    fn a_missing_or_short_body_is_a_400_saying_so() {
        let error = check(Some("10"), 0).unwrap_err();
        assert_eq!(error.status, 400);
        assert!(error.message.contains("0 bytes where Content-Length says 10"), "{}", error.message);
        assert_eq!(check(Some("10"), 11).unwrap_err().status, 400);
    }

    #[test]
    fn a_malformed_length_is_a_400() {
        assert_eq!(check(Some("ten"), 10).unwrap_err().status, 400);
        assert_eq!(check(Some("-1"), 0).unwrap_err().status, 400);
    }
}
