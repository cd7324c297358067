//! A guard in front of tower-lsp's transport. tower-lsp stops reading at the first frame that is
//! not a JSON-RPC message (its framed reader ends the stream on a decode error), which would end
//! the session. The guard reads the client's frames itself, passes well-formed messages on
//! unchanged, and answers the others with the JSON-RPC error the specification asks for (parse
//! error, invalid request), written between the server's own frames.
//!
//! Staying in step with a broken stream: a header block without a usable `Content-Length`
//! (missing, negative, not a number, over [`MAX_BODY`], or not even text) cannot say where its body
//! ends. The guard answers it, then reads on line by line, discarding, until a line that starts a
//! header block (`Content-Length:`), also when that header follows the discarded body on the same
//! line. Lines are read with a length limit, so garbage costs time, never memory.

use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::sync::mpsc;

/// The largest message accepted: far above any real document, low enough not to exhaust memory.
const MAX_BODY: usize = 128 * 1024 * 1024;
/// The longest header line kept; the rest of a longer line is discarded as it is read.
const MAX_HEADER_LINE: usize = 8 * 1024;

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
                // The body's length is unknown: read_headers skips it on the next call.
                answer(error_response(Value::Null, -32700, &reason));
                continue;
            }
        };
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
/// `Content-Length`. Lines before the block that do not start one (the body of a frame whose length
/// was unusable) are discarded; a header that follows such garbage on the same line is found.
async fn read_headers<R: AsyncBufReadExt + Unpin>(input: &mut R) -> Result<Option<usize>, String> {
    let mut length: Option<Result<usize, String>> = None;
    let mut in_block = false;
    loop {
        let Some(line) = read_line_bounded(input).await else { return Ok(None) };
        let line = line.strip_suffix(b"\n").unwrap_or(&line);
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.is_empty() {
            if !in_block {
                continue; // Blank lines between frames, or in discarded garbage.
            }
            return match length {
                Some(Ok(n)) => Ok(Some(n)),
                Some(Err(reason)) => Err(reason),
                None => Err("a message without a Content-Length header".to_string()),
            };
        }
        let header = if in_block {
            line
        } else {
            // Outside a block only a Content-Length header starts one; anything before it on the
            // line is what is left of a skipped body.
            match find_ignore_case(line, b"content-length:") {
                Some(at) => &line[at..],
                None => continue,
            }
        };
        in_block = true;
        if let Some(value) = header.get(..15).filter(|name| name.eq_ignore_ascii_case(b"content-length:")).map(|_| &header[15..]) {
            length = Some(parse_length(value));
        }
    }
}

/// A `Content-Length` value: a decimal byte count up to [`MAX_BODY`].
fn parse_length(value: &[u8]) -> Result<usize, String> {
    let text = std::str::from_utf8(value).map_err(|_| "a Content-Length that is not text".to_string())?.trim();
    match text.parse::<u64>() {
        Ok(n) if n <= MAX_BODY as u64 => Ok(n as usize),
        Ok(_) => Err(format!("message too large (over {} MiB)", MAX_BODY >> 20)),
        Err(_) => Err("a Content-Length that is not a byte count".to_string()),
    }
}

fn find_ignore_case(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w.eq_ignore_ascii_case(needle))
}

/// One line, at most its last [`MAX_HEADER_LINE`] bytes kept (a header may follow discarded garbage
/// on the same line), with its line feed; `None` at the end of the stream.
async fn read_line_bounded<R: AsyncBufReadExt + Unpin>(input: &mut R) -> Option<Vec<u8>> {
    let mut line = Vec::new();
    loop {
        let available = match input.fill_buf().await {
            Ok([]) | Err(_) => return (!line.is_empty()).then_some(line),
            Ok(bytes) => bytes,
        };
        let (taken, done) = match available.iter().position(|b| *b == b'\n') {
            Some(i) => (i + 1, true),
            None => (available.len(), false),
        };
        line.extend_from_slice(&available[..taken]);
        if line.len() > MAX_HEADER_LINE {
            line.drain(..line.len() - MAX_HEADER_LINE);
        }
        input.consume(taken);
        if done {
            return Some(line);
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

/// Runs the guard over `bytes` from a client, for fuzzing: returns the frames it passed on and the
/// error responses it wrote. Every passed frame is a JSON-RPC message; every response is framed.
pub fn guard_frames(bytes: &[u8]) -> (usize, usize) {
    let runtime = tokio::runtime::Builder::new_current_thread().build().expect("a current-thread runtime");
    runtime.block_on(async {
        let (outgoing, mut frames) = mpsc::unbounded_channel();
        let (server_side, mut server_reader) = tokio::io::duplex(1 << 16);
        let forward = forward_client(bytes, server_side, outgoing);
        let read = async {
            let mut passed = Vec::new();
            let _ = server_reader.read_to_end(&mut passed).await;
            passed
        };
        let ((), passed) = tokio::join!(forward, read);
        let mut reader = BufReader::new(passed.as_slice());
        let mut forwarded = 0;
        while let Ok(Some(length)) = read_headers(&mut reader).await {
            let mut body = vec![0; length];
            reader.read_exact(&mut body).await.expect("a passed frame is whole");
            assert!(check_message(&body).is_ok(), "a passed frame is a JSON-RPC message");
            forwarded += 1;
        }
        let mut answered = 0;
        while let Ok(Some(frame)) = frames.try_recv() {
            assert!(frame.starts_with(b"Content-Length: "), "responses are framed");
            answered += 1;
        }
        (forwarded, answered)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn broken_frames_are_answered_and_the_rest_passed_on() {
        let good = "{\"jsonrpc\":\"2.0\",\"method\":\"initialized\",\"params\":{}}";
        let frame = format!("Content-Length: {}\r\n\r\n{good}", good.len());
        let mut stream = Vec::new();
        for bad in ["Content-Length: -1\r\n\r\n{}", "Content-Length: 1e9\r\n\r\n", "\u{1b}[2J garbage without a header"] {
            stream.extend_from_slice(bad.as_bytes());
            stream.extend_from_slice(frame.as_bytes());
        }
        stream.extend_from_slice(b"\xff\xfe\r\nContent-Length: 5\r\n\r\n[1,2]");
        stream.extend_from_slice(frame.as_bytes());
        assert_eq!(guard_frames(&stream), (4, 3), "every good frame passed; the two bad lengths and the bad body answered");
    }

    #[test]
    fn messages_are_checked_for_shape() {
        assert!(check_message(br#"{"jsonrpc":"2.0","id":1,"method":"x","params":{}}"#).is_ok());
        assert!(check_message(br#"{"jsonrpc":"2.0","id":1,"result":null}"#).is_ok());
        assert_eq!(check_message(br#"{"jsonrpc":"2.0","id":7}"#).unwrap_err()["id"], json!(7));
        assert_eq!(check_message(b"{\"jsonrpc\":").unwrap_err()["error"]["code"], json!(-32700));
        assert_eq!(check_message(br#"{"jsonrpc":"2.0","id":1,"method":3}"#).unwrap_err()["error"]["code"], json!(-32600));
    }
}
