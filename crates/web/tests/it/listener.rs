//! A real server on `127.0.0.1:0`: the same router behind `serve`, reached over TCP.

use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::*;

async fn get(addr: std::net::SocketAddr, path: &str) -> String {
    let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
    let req = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    s.write_all(req.as_bytes()).await.unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).await.unwrap();
    out
}

#[tokio::test]
async fn serves_on_a_real_listener_and_shuts_down() {
    let store = fresh_store("listener").await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(egov_web::serve(listener, state(&store), async {
        let _ = stopped.await;
    }));
    let health = get(addr, "/healthz").await;
    assert!(health.starts_with("HTTP/1.1 200"), "{health}");
    assert!(
        health
            .to_ascii_lowercase()
            .contains("content-security-policy: default-src 'self'")
    );
    let login = get(addr, "/login").await;
    assert!(login.contains("Đăng nhập"), "{login}");
    let home = get(addr, "/").await;
    assert!(home.starts_with("HTTP/1.1 303"), "{home}");
    stop.send(()).unwrap();
    server.await.unwrap().unwrap();
}

#[tokio::test]
async fn a_starting_server_purges_expired_sessions() {
    let store = fresh_store("purge").await;
    let user = add_user(&store, "purged", &[]).await;
    let now = egov_store::now_ms();
    store
        .create_session(&egov_store::Session {
            token_hash: session::token_hash("expired-token"),
            user_id: user,
            csrf_token: "csrf".into(),
            created_at: now - 10_000,
            expires_at: now - 1,
        })
        .await
        .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(egov_web::serve(listener, state(&store), async {
        let _ = stopped.await;
    }));
    // The first purge runs at start; wait for its log entry.
    let mut purged = false;
    for _ in 0..100 {
        let log = store.log_entries(0, 1000).await.unwrap();
        if log.iter().any(|e| e.action == "session.purge") {
            purged = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    stop.send(()).unwrap();
    server.await.unwrap().unwrap();
    assert!(purged, "no session.purge entry in the audit log");
}
