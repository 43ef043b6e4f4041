//! The two changes of the vendored sqlx-core (vendor/README.md) still take effect: a build
//! that silently went back to the published crate fails here. PostgreSQL only: on SQLite
//! neither change has anything to act on (no socket; its `flush` does nothing).

use crate::support::{authority, Backend, TestDb};
use sea_orm::{ConnectionTrait, Statement};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// `connect_tcp` turns Nagle's algorithm off on the connections it opens: the socket a
/// pooled connection uses, found by the client port PostgreSQL reports for it, has
/// TCP_NODELAY set.
#[tokio::test]
async fn store_connections_are_opened_without_nagle() {
    let Some(store) = TestDb::new(Backend::Postgres).await else {
        return;
    };
    let db = store.connect().await;
    for _ in 0..3 {
        let row = db
            .query_one_raw(Statement::from_string(
                db.get_database_backend(),
                "SELECT inet_client_port()",
            ))
            .await
            .unwrap_or_else(|e| panic!("{e}"))
            .unwrap_or_else(|| panic!("no row"));
        let port: i32 = row.try_get_by_index(0).unwrap_or_else(|e| panic!("{e}"));
        let fd = socket_with_local_port(port as u16)
            .unwrap_or_else(|| panic!("no socket of this process has local port {port}"));
        assert!(
            nodelay(fd),
            "TCP_NODELAY is off on the store connection (fd {fd})"
        );
    }
}

/// A connection goes back to the pool with a `flush`, not a `ping`: running statements one
/// after another costs one ReadyForQuery each, where the published crate's ping on release
/// adds a second (one more round trip per statement).
#[tokio::test]
async fn a_released_connection_costs_no_round_trip() {
    let Some(store) = TestDb::new(Backend::Postgres).await else {
        return;
    };
    let (address, template) = authority(&store.url);
    let tap = ReadyCounter::start(address).await;
    let mut url = template.replace("{}", &format!("127.0.0.1:{}", tap.port));
    // The counter reads the plain protocol: no TLS on the tapped connections.
    url.push_str(if url.contains('?') { "&" } else { "?" });
    url.push_str("sslmode=disable");
    let db = plangraph::db::connect(&url)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    // The simple protocol: one ReadyForQuery per statement on any connection (a prepared
    // statement costs a second one the first time each connection runs it).
    let select = || async {
        db.execute_unprepared("SELECT 1")
            .await
            .unwrap_or_else(|e| panic!("{e}"))
    };
    select().await;
    settle().await;
    let before = tap.ready.load(Ordering::SeqCst);
    for _ in 0..10 {
        select().await;
    }
    settle().await;
    let after = tap.ready.load(Ordering::SeqCst);
    assert_eq!(
        after - before,
        10,
        "ReadyForQuery messages for 10 statements (20 would be a ping on every release)"
    );
}

/// Lets the spawned tasks that put released connections back finish.
async fn settle() {
    tokio::time::sleep(Duration::from_millis(300)).await;
}

/// A TCP relay to PostgreSQL that counts the ReadyForQuery ('Z') messages the server sends.
struct ReadyCounter {
    port: u16,
    ready: Arc<AtomicU64>,
}

impl ReadyCounter {
    async fn start(target: String) -> ReadyCounter {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let port = listener.local_addr().map(|a| a.port()).unwrap_or(0);
        let ready = Arc::new(AtomicU64::new(0));
        let counted = ready.clone();
        tokio::spawn(async move {
            while let Ok((mut inbound, _)) = listener.accept().await {
                let (target, counted) = (target.clone(), counted.clone());
                tokio::spawn(async move {
                    let Ok(mut outbound) = tokio::net::TcpStream::connect(&target).await else {
                        return;
                    };
                    let (mut client_read, mut client_write) = inbound.split();
                    let (mut server_read, mut server_write) = outbound.split();
                    tokio::select! {
                        _ = tokio::io::copy(&mut client_read, &mut server_write) => {}
                        _ = relay_counting(&mut server_read, &mut client_write, &counted) => {}
                    }
                });
            }
        });
        ReadyCounter { port, ready }
    }
}

/// Copies the server's messages to the client, counting ReadyForQuery. Every backend
/// message is a type byte and a length that counts itself (no TLS: `sslmode=disable`).
async fn relay_counting(
    from: &mut (impl tokio::io::AsyncRead + Unpin),
    to: &mut (impl tokio::io::AsyncWrite + Unpin),
    ready: &AtomicU64,
) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut pending: Vec<u8> = Vec::new();
    let mut buf = vec![0u8; 16 * 1024];
    loop {
        let n = match from.read(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(n) => n,
        };
        pending.extend_from_slice(&buf[..n]);
        let mut at = 0;
        while pending.len() >= at + 5 {
            let len = u32::from_be_bytes([
                pending[at + 1],
                pending[at + 2],
                pending[at + 3],
                pending[at + 4],
            ]) as usize;
            if pending.len() < at + 1 + len {
                break;
            }
            if pending[at] == b'Z' {
                ready.fetch_add(1, Ordering::SeqCst);
            }
            at += 1 + len;
        }
        pending.drain(..at);
        if to.write_all(&buf[..n]).await.is_err() {
            return;
        }
    }
}

/// The descriptor of this process's IPv4 TCP socket whose local port is `port`.
fn socket_with_local_port(port: u16) -> Option<i32> {
    let table = std::fs::read_to_string("/proc/self/net/tcp").ok()?;
    // An earlier connection of another test may have left a TIME_WAIT entry on the same
    // port (state 06, inode 0): only an established socket (01) with an inode is ours.
    let inode = table.lines().skip(1).find_map(|line| {
        let fields: Vec<&str> = line.split_whitespace().collect();
        let local = fields.get(1)?;
        let local_port = u16::from_str_radix(local.rsplit(':').next()?, 16).ok()?;
        let established = fields.get(3) == Some(&"01");
        let inode = fields.get(9).filter(|i| **i != "0")?;
        (local_port == port && established).then(|| inode.to_string())
    })?;
    let wanted = format!("socket:[{inode}]");
    std::fs::read_dir("/proc/self/fd").ok()?.find_map(|entry| {
        let entry = entry.ok()?;
        let target = std::fs::read_link(entry.path()).ok()?;
        (target.to_string_lossy() == wanted)
            .then(|| entry.file_name().to_string_lossy().parse().ok())?
    })
}

/// Whether TCP_NODELAY is set on the socket `fd`.
fn nodelay(fd: i32) -> bool {
    let mut value: libc::c_int = 0;
    let mut len = std::mem::size_of::<libc::c_int>() as libc::socklen_t;
    // SAFETY: `fd` is an open socket of this process and the option buffer is a c_int
    // whose size is passed with it.
    let done = unsafe {
        libc::getsockopt(
            fd,
            libc::IPPROTO_TCP,
            libc::TCP_NODELAY,
            (&mut value as *mut libc::c_int).cast(),
            &mut len,
        )
    };
    assert_eq!(done, 0, "getsockopt: {}", std::io::Error::last_os_error());
    value != 0
}
