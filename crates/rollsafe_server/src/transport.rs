//! A guard in front of tower-lsp's transport. tower-lsp stops reading at the first frame that is
//! not a JSON-RPC message (its framed reader ends the stream on a decode error), which would end
//! the session. The guard reads the client's frames itself, passes well-formed messages on
//! unchanged, and answers the others with the JSON-RPC error the specification asks for (parse
//! error, invalid request), written between the server's own frames.

use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::sync::mpsc;

/// The largest message accepted: far above any real document, low enough not to exhaust memory.
const MAX_BODY: usize = 512 * 1024 * 1024;

/// Frames for the client, in order; `None` once the server has closed its side.
pub type Outgoing = mpsc::UnboundedSender<Option<Vec<u8>>>;

/// Reads client frames from `input` and writes the well-formed ones to `server`; malformed ones
/// become error responses on `outgoing`. Returns when the client closes its side.
pub async fn forward_client<I, S>(input: I, mut server: S, outgoing: Outgoing)
where
    I: AsyncRead + Unpin,
    S: AsyncWrite + Unpin,
{
    let mut input = BufReader::new(input);
    let answer = |response: Value| {
        let _ = outgoing.send(Some(frame(&response)));
    };
    loop {
        let length = match read_headers(&mut input).await {
            Ok(Some(length)) => length,
            Ok(None) => return,
            Err(reason) => {
                answer(error_response(Value::Null, -32700, &reason));
                continue;
            }
        };
        if length > MAX_BODY {
            answer(error_response(Value::Null, -32600, "message too large"));
            // Skip the body so the next frame is read from its start.
            if tokio::io::copy(&mut (&mut input).take(length as u64), &mut tokio::io::sink()).await.is_err() {
                return;
            }
            continue;
        }
        let mut body = vec![0; length];
        if input.read_exact(&mut body).await.is_err() {
            return;
        }
        match check_message(&body) {
            Ok(()) => {
                let header = format!("Content-Length: {length}\r\n\r\n");
                if server.write_all(header.as_bytes()).await.is_err() || server.write_all(&body).await.is_err() {
                    return;
                }
                let _ = server.flush().await;
            }
            Err(response) => answer(response),
        }
    }
}

/// Reads the server's frames whole and queues them for the client; `None` marks the end.
pub async fn read_server<S: AsyncRead + Unpin>(server: S, outgoing: Outgoing) {
    let mut server = BufReader::new(server);
    while let Ok(Some(length)) = read_headers(&mut server).await {
        let mut body = vec![0; length];
        if server.read_exact(&mut body).await.is_err() {
            break;
        }
        let mut framed = format!("Content-Length: {length}\r\n\r\n").into_bytes();
        framed.extend_from_slice(&body);
        let _ = outgoing.send(Some(framed));
    }
    let _ = outgoing.send(None);
}

/// Writes queued frames to the client until the server's side has ended.
pub async fn write_client<O: AsyncWrite + Unpin>(mut output: O, mut frames: mpsc::UnboundedReceiver<Option<Vec<u8>>>) {
    while let Some(Some(frame)) = frames.recv().await {
        if output.write_all(&frame).await.is_err() {
            return;
        }
        let _ = output.flush().await;
    }
}

/// Reads a header block: `Ok(None)` at the end of the stream, `Err` for a block without a usable
/// `Content-Length`.
async fn read_headers<R: AsyncBufReadExt + Unpin>(input: &mut R) -> Result<Option<usize>, String> {
    let mut length = None;
    let mut seen_any = false;
    loop {
        let mut line = String::new();
        match input.read_line(&mut line).await {
            Ok(0) | Err(_) => return Ok(None),
            Ok(_) => {}
        }
        let line = line.trim_end_matches(['\r', '\n']);
        if line.is_empty() {
            if !seen_any {
                continue; // Blank lines between frames.
            }
            return length.map(Some).ok_or_else(|| "a message without a valid Content-Length header".to_string());
        }
        seen_any = true;
        if let Some((name, value)) = line.split_once(':')
            && name.trim().eq_ignore_ascii_case("content-length")
        {
            length = value.trim().parse::<usize>().ok();
        }
    }
}

/// `Ok` for a JSON-RPC 2.0 request, notification or response; otherwise the error to answer.
fn check_message(body: &[u8]) -> Result<(), Value> {
    let message: Value = serde_json::from_slice(body).map_err(|e| error_response(Value::Null, -32700, &format!("parse error: {e}")))?;
    let id = message.get("id").cloned().filter(|id| id.is_number() || id.is_string()).unwrap_or(Value::Null);
    let valid = message.get("jsonrpc") == Some(&json!("2.0"))
        && match message.get("method") {
            Some(method) => method.is_string() && message.get("params").is_none_or(|p| p.is_object() || p.is_array() || p.is_null()),
            None => message.get("id").is_some() && (message.get("result").is_some() || message.get("error").is_some()),
        };
    if valid { Ok(()) } else { Err(error_response(id, -32600, "invalid request: not a JSON-RPC 2.0 message")) }
}

fn error_response(id: Value, code: i64, message: &str) -> Value {
    json!({"jsonrpc": "2.0", "id": id, "error": {"code": code, "message": message}})
}

fn frame(message: &Value) -> Vec<u8> {
    let body = message.to_string();
    format!("Content-Length: {}\r\n\r\n{body}", body.len()).into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_checked_for_shape() {
        assert!(check_message(br#"{"jsonrpc":"2.0","id":1,"method":"x","params":{}}"#).is_ok());
        assert!(check_message(br#"{"jsonrpc":"2.0","id":1,"result":null}"#).is_ok());
        assert_eq!(check_message(br#"{"jsonrpc":"2.0","id":7}"#).unwrap_err()["id"], json!(7));
        assert_eq!(check_message(b"{\"jsonrpc\":").unwrap_err()["error"]["code"], json!(-32700));
        assert_eq!(check_message(br#"{"jsonrpc":"2.0","id":1,"method":3}"#).unwrap_err()["error"]["code"], json!(-32600));
    }
}
