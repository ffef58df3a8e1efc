//! Config-server errors: `{"error-code": "<CODE>", "message": "<text>"}` with Vespa's status codes.

use serde_json::json;

/// An error answer of the config server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ApiError {
    pub(crate) status: u16,
    pub(crate) code: String,
    pub(crate) message: String,
}

impl ApiError {
    pub(crate) fn new(status: u16, code: &str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code: code.to_owned(),
            message: message.into(),
        }
    }

    pub(crate) fn not_found(message: impl Into<String>) -> Self {
        Self::new(404, "NOT_FOUND", message)
    }

    pub(crate) fn nothing_at(path: &str) -> Self {
        Self::not_found(format!("Nothing at {path}"))
    }

    pub(crate) fn bad_request(message: impl Into<String>) -> Self {
        Self::new(400, "BAD_REQUEST", message)
    }

    pub(crate) fn invalid_application(message: impl Into<String>) -> Self {
        Self::new(400, "INVALID_APPLICATION_PACKAGE", message)
    }

    pub(crate) fn method_not_allowed(method: &str) -> Self {
        Self::new(
            405,
            "METHOD_NOT_ALLOWED",
            format!("Method '{method}' is not supported"),
        )
    }

    pub(crate) fn activation_conflict(message: impl Into<String>) -> Self {
        Self::new(409, "ACTIVATION_CONFLICT", message)
    }

    pub(crate) fn body(&self) -> serde_json::Value {
        json!({ "error-code": self.code, "message": self.message })
    }
}

pub(crate) type ApiResult<T> = Result<T, ApiError>;
