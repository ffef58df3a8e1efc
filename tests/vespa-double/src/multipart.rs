//! A minimal `multipart/form-data` reader for the deploy request (whole body in memory).

/// One part: its form name, content type and bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Part {
    pub(crate) name: String,
    pub(crate) content_type: Option<String>,
    pub(crate) data: Vec<u8>,
}

/// The `boundary` parameter of a `multipart/form-data` content type.
pub(crate) fn boundary(content_type: &str) -> Option<String> {
    content_type.split(';').skip(1).find_map(|param| {
        let (key, value) = param.split_once('=')?;
        (key.trim().eq_ignore_ascii_case("boundary"))
            .then(|| value.trim().trim_matches('"').to_owned())
    })
}

fn find(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    if needle.is_empty() || haystack.len() < needle.len() {
        return None;
    }
    (from..=haystack.len() - needle.len()).find(|&i| &haystack[i..i + needle.len()] == needle)
}

/// Splits a body into parts.
pub(crate) fn parse(body: &[u8], boundary: &str) -> Result<Vec<Part>, String> {
    let delimiter = format!("--{boundary}").into_bytes();
    let mut at = find(body, &delimiter, 0).ok_or("no multipart boundary found")?;
    let mut parts = Vec::new();
    loop {
        at += delimiter.len();
        if body[at..].starts_with(b"--") {
            return Ok(parts);
        }
        // skip the line break after the delimiter
        if body[at..].starts_with(b"\r\n") {
            at += 2;
        } else if body[at..].starts_with(b"\n") {
            at += 1;
        }
        let headers_end = find(body, b"\r\n\r\n", at)
            .map(|i| (i, 4))
            .or_else(|| find(body, b"\n\n", at).map(|i| (i, 2)));
        let (headers_end, sep) = headers_end.ok_or("multipart part without headers")?;
        let headers = String::from_utf8_lossy(&body[at..headers_end]).into_owned();
        let data_start = headers_end + sep;
        let mut end_marker = b"\r\n".to_vec();
        end_marker.extend_from_slice(&delimiter);
        let (data_end, next) = match find(body, &end_marker, data_start) {
            Some(i) => (i, i + 2),
            None => {
                let mut lf = b"\n".to_vec();
                lf.extend_from_slice(&delimiter);
                let i = find(body, &lf, data_start).ok_or("unterminated multipart part")?;
                (i, i + 1)
            }
        };
        let mut name = String::new();
        let mut content_type = None;
        for line in headers.lines() {
            let Some((key, value)) = line.split_once(':') else {
                continue;
            };
            if key.trim().eq_ignore_ascii_case("content-disposition") {
                for param in value.split(';') {
                    if let Some((k, v)) = param.split_once('=')
                        && k.trim().eq_ignore_ascii_case("name")
                    {
                        name = v.trim().trim_matches('"').to_owned();
                    }
                }
            } else if key.trim().eq_ignore_ascii_case("content-type") {
                content_type = Some(value.trim().to_owned());
            }
        }
        parts.push(Part {
            name,
            content_type,
            data: body[data_start..data_end].to_vec(),
        });
        at = next;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts() {
        let body = b"--XX\r\nContent-Disposition: form-data; name=\"prepareParams\"\r\nContent-Type: application/json\r\n\r\n{\"dryRun\":true}\r\n--XX\r\nContent-Disposition: form-data; name=\"applicationPackage\"; filename=\"app.zip\"\r\nContent-Type: application/zip\r\n\r\nPK\x03\x04\r\n--XX--\r\n";
        let parts = parse(body, "XX").unwrap_or_default();
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[0].name, "prepareParams");
        assert_eq!(parts[0].data, b"{\"dryRun\":true}");
        assert_eq!(parts[1].content_type.as_deref(), Some("application/zip"));
        assert_eq!(parts[1].data, b"PK\x03\x04");
        assert_eq!(
            boundary("multipart/form-data; boundary=\"XX\"").as_deref(),
            Some("XX")
        );
    }
}
