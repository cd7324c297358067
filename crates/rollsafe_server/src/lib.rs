//! rollsafe's language server: the findings of `rollsafe check` as diagnostics while you type, with
//! hovers comparing N-1 and N and code actions for suppressions and safe sequences.
//!
//! Layering: [`server`] holds the LSP handlers, [`session`] the state between messages (root, open
//! buffers, the analysis), [`convert`] every conversion to and from LSP types. The analysis is
//! `rollsafe_core`'s, the same salsa queries the CLI runs; the server keeps the database alive, so
//! an edit re-parses the edited file and re-runs only what depends on it.
//!
//! Limits: one workspace folder (the first the client names); UTF-16 positions only (the LSP
//! default every client supports).

pub mod convert;
mod server;
pub mod session;
mod transport;

/// Entry points for the fuzz targets in `fuzz/`.
pub mod fuzzing {
    pub use crate::transport::guard_frames;
}

pub use server::{Backend, Hook};

use tower_lsp_server::{LspService, Server};

/// Serves the language server protocol on `input`/`output` until the client exits. Frames pass
/// through [`transport`]'s guard, which answers malformed messages instead of ending the session.
pub async fn serve<I, O>(input: I, output: O, hook: Option<Hook>)
where
    I: tokio::io::AsyncRead + Unpin + Send + 'static,
    O: tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    const PIPE: usize = 1 << 16;
    let (client_to_server, server_input) = tokio::io::duplex(PIPE);
    let (server_output, server_to_client) = tokio::io::duplex(PIPE);
    let (outgoing, frames) = tokio::sync::mpsc::unbounded_channel();
    tokio::spawn(transport::forward_client(input, client_to_server, outgoing.clone()));
    tokio::spawn(transport::read_server(server_to_client, outgoing));
    let writer = tokio::spawn(transport::write_client(output, frames));
    let (service, socket) = LspService::new(|client| Backend::new(client, hook));
    Server::new(server_input, server_output, socket).serve(service).await;
    // The server's side is closed: wait until everything it wrote reached the client.
    let _ = writer.await;
}

/// `rollsafe server`: the language server on standard input and output.
pub fn run_stdio() -> std::io::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(serve(tokio::io::stdin(), tokio::io::stdout(), None));
    // Analyses still running on blocking threads are of no use once the client is gone.
    runtime.shutdown_timeout(std::time::Duration::from_millis(100));
    Ok(())
}
