//! `GET /healthz`: a readiness check for systemd, Docker and Kubernetes probes.
//!
//! 200 when every shard this process runs is connected to the gateway and the bot is not
//! stopping, else 503; the body says which, and while the API base cannot be reached it says
//! so and why. It answers on the address `[health] listen` names, which should stay on
//! loopback or a private network: it tells nothing secret, but it has no reason to be public.
//! axum (on hyper) parses the HTTP, so this file only decides what to answer.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::get;
use tokio::net::TcpListener;
use tracing::{info, warn};

use super::lifecycle::Status;
use crate::reload::Live;

pub(crate) async fn bind(addr: SocketAddr) -> std::io::Result<TcpListener> {
    let listener = TcpListener::bind(addr).await?;
    info!(addr = %listener.local_addr().unwrap_or(addr), "health check on GET /healthz");
    Ok(listener)
}

/// Serves the health check until the process ends.
pub(crate) async fn serve(listener: TcpListener, status: Arc<Status>, live: Arc<Live>) {
    let app = Router::new()
        .route("/healthz", get(probe))
        .route("/readyz", get(probe))
        .fallback(|| async {
            (
                StatusCode::NOT_FOUND,
                [
                    (header::CONTENT_TYPE, "application/json"),
                    (header::CONNECTION, "close"),
                ],
                "{\"error\":\"not found; try GET /healthz\"}",
            )
        })
        .with_state((status, live));
    if let Err(e) = axum::serve(listener, app).await {
        warn!(error = %e, "the health check stopped");
    }
}

async fn probe(State((status, live)): State<(Arc<Status>, Arc<Live>)>) -> impl IntoResponse {
    let (code, body) = report(&status, &live);
    (
        code,
        [
            (header::CONTENT_TYPE, "application/json"),
            (header::CACHE_CONTROL, "no-store"),
            // One answer a connection, as probes expect: a script that reads to the end of
            // the stream gets its end.
            (header::CONNECTION, "close"),
        ],
        body,
    )
}

/// The status code and JSON body for a probe.
fn report(status: &Status, live: &Live) -> (StatusCode, String) {
    let now = status.snapshot();
    let state = if now.stopping {
        "stopping"
    } else if now.expected > 0 && now.connected >= now.expected {
        "ready"
    } else if now.unreachable.is_some() {
        "unreachable"
    } else {
        "connecting"
    };
    let mut body = serde_json::json!({
        "status": state,
        "shards": {"connected": now.connected, "expected": now.expected},
        "knowledge_version": live.version(),
        "shed": now.shed,
    });
    if let Some(why) = now.unreachable.filter(|_| state == "unreachable") {
        body["error"] = serde_json::Value::String(why);
    }
    let code = if state == "ready" {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (code, body.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::answer::Answerer;
    use crate::knowledge::KnowledgeBase;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    async fn get(addr: SocketAddr, path: &str) -> String {
        let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
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
        status.set_unreachable(Some("GET http://127.0.0.1:9/api/v10/users/@me: refused".into()));
        let down = get(addr, "/healthz").await;
        assert!(down.starts_with("HTTP/1.1 503"), "{down}");
        assert!(
            down.contains("\"unreachable\"") && down.contains("127.0.0.1:9"),
            "{down}"
        );
        status.set_unreachable(None);
        status.set_connected(0, true);
        status.set_connected(1, true);
        let ready = get(addr, "/healthz").await;
        assert!(ready.starts_with("HTTP/1.1 200"), "{ready}");
        assert!(ready.contains("\"connected\":2"), "{ready}");
        status.set_stopping();
        assert!(get(addr, "/healthz").await.contains("\"stopping\""));
        assert!(get(addr, "/other").await.starts_with("HTTP/1.1 404"));
        assert!(
            get(addr, "/healthz?probe=1").await.starts_with("HTTP/1.1 503"),
            "a query string is still the health check"
        );
    }
}
