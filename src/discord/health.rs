//! `GET /healthz`: a readiness check for systemd, Docker and Kubernetes probes.
//!
//! 200 when every shard this process runs is connected to the gateway and the bot is not
//! stopping, else 503; the body says which. It answers on the address `[health] listen`
//! names, which should stay on loopback or a private network: it tells nothing secret, but
//! it has no reason to be public. Plain HTTP/1.1 by hand: one route does not need a web
//! framework.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tracing::{info, warn};

use super::lifecycle::Status;
use crate::reload::Live;

/// A request line and headers longer than this are not a health probe.
const MAX_REQUEST: usize = 4096;

pub(crate) async fn bind(addr: SocketAddr) -> std::io::Result<TcpListener> {
    let listener = TcpListener::bind(addr).await?;
    info!(addr = %listener.local_addr().unwrap_or(addr), "health check on GET /healthz");
    Ok(listener)
}

pub(crate) async fn serve(listener: TcpListener, status: Arc<Status>, live: Arc<Live>) {
    loop {
        match listener.accept().await {
            Ok((stream, _)) => {
                let status = Arc::clone(&status);
                let live = Arc::clone(&live);
                tokio::spawn(async move {
                    let _ =
                        tokio::time::timeout(Duration::from_secs(5), answer(stream, &status, &live)).await;
                });
            }
            Err(e) => {
                warn!(error = %e, "health check: accept failed");
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
    }
}

async fn answer(mut stream: TcpStream, status: &Status, live: &Live) -> std::io::Result<()> {
    let mut request = Vec::new();
    let mut buf = [0u8; 1024];
    while !request.windows(4).any(|w| w == b"\r\n\r\n") && request.len() < MAX_REQUEST {
        let n = stream.read(&mut buf).await?;
        if n == 0 {
            break;
        }
        request.extend_from_slice(&buf[..n]);
    }
    let line = String::from_utf8_lossy(&request);
    let mut words = line.split_whitespace();
    let (code, body) = match (words.next(), words.next()) {
        (Some("GET" | "HEAD"), Some("/healthz" | "/readyz")) => report(status, live),
        (Some("GET" | "HEAD"), Some(_)) => (404, "{\"error\":\"not found; try /healthz\"}".to_owned()),
        _ => (405, "{\"error\":\"only GET /healthz\"}".to_owned()),
    };
    let reason = match code {
        200 => "OK",
        404 => "Not Found",
        405 => "Method Not Allowed",
        _ => "Service Unavailable",
    };
    let response = format!(
        "HTTP/1.1 {code} {reason}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\
         cache-control: no-store\r\nconnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(response.as_bytes()).await?;
    stream.shutdown().await
}

/// The status code and JSON body for a probe.
fn report(status: &Status, live: &Live) -> (u16, String) {
    let (connected, expected, stopping) = status.snapshot();
    let state = if stopping {
        "stopping"
    } else if expected > 0 && connected >= expected {
        "ready"
    } else {
        "connecting"
    };
    let body = serde_json::json!({
        "status": state,
        "shards": {"connected": connected, "expected": expected},
        "knowledge_version": live.version(),
    });
    (if state == "ready" { 200 } else { 503 }, body.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::answer::Answerer;
    use crate::knowledge::KnowledgeBase;

    async fn get(addr: SocketAddr, path: &str) -> String {
        let mut stream = TcpStream::connect(addr).await.unwrap();
        stream
            .write_all(format!("GET {path} HTTP/1.1\r\nhost: x\r\n\r\n").as_bytes())
            .await
            .unwrap();
        let mut response = String::new();
        stream.read_to_string(&mut response).await.unwrap();
        response
    }

    #[tokio::test]
    async fn ready_only_when_every_shard_is_connected_and_not_stopping() {
        let listener = bind("127.0.0.1:0".parse().unwrap()).await.unwrap();
        let addr = listener.local_addr().unwrap();
        let status = Arc::new(Status::new(2));
        let live = Arc::new(Live::new(
            Answerer::new(KnowledgeBase::embedded().unwrap().kb),
            None,
        ));
        tokio::spawn(serve(listener, Arc::clone(&status), live));

        let starting = get(addr, "/healthz").await;
        assert!(starting.starts_with("HTTP/1.1 503"), "{starting}");
        assert!(starting.contains("\"connecting\""), "{starting}");
        status.set_connected(0, true);
        status.set_connected(1, true);
        let ready = get(addr, "/healthz").await;
        assert!(ready.starts_with("HTTP/1.1 200"), "{ready}");
        assert!(ready.contains("\"connected\":2"), "{ready}");
        status.set_stopping();
        assert!(get(addr, "/healthz").await.contains("\"stopping\""));
        assert!(get(addr, "/other").await.starts_with("HTTP/1.1 404"));
    }
}
