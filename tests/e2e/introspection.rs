//! Introspection costs the same number of round trips at 10 and at 1,000 tables, measured on
//! the wire by a proxy that counts protocol messages.

use differ::postgres::{self, Scope};
use seadiff_tests::{CountingProxy, TestDb, url_for};

async fn with_tables(key: &str, n: usize) -> TestDb {
    let db = TestDb::new(key).await;
    db.exec(&format!(
        "DO $$ BEGIN FOR i IN 1..{n} LOOP
           EXECUTE format('CREATE TABLE t%s (id bigint PRIMARY KEY, name text NOT NULL DEFAULT ''x'', parent bigint REFERENCES t%s (id))', i, greatest(i - 1, 1));
           EXECUTE format('CREATE INDEX ON t%s (lower(name)) WHERE parent IS NOT NULL', i);
         END LOOP; END $$;"
    ))
    .await;
    db
}

async fn round_trips(db: &TestDb) -> (u64, usize) {
    let proxy = CountingProxy::start("127.0.0.1:5432".parse().expect("address")).await;
    let url = url_for(
        &db.url.replace("127.0.0.1:5432", &proxy.addr.to_string()),
        &db.name,
    ) + "?sslmode=disable";
    let mut conn = postgres::connect(&url, std::time::Duration::from_secs(10))
        .await
        .expect("connect through the proxy");
    let before = proxy.round_trips();
    let scope = Scope {
        schemas: Some(vec!["public".into()]),
        ignore: Default::default(),
    };
    let live = postgres::introspect(&mut conn, &scope)
        .await
        .expect("introspect");
    let measured = proxy.round_trips() - before;
    assert_eq!(
        u64::from(live.round_trips),
        measured,
        "the introspector's own count must match the wire"
    );
    (measured, live.catalog.tables.len())
}

#[tokio::test]
async fn round_trips_do_not_grow_with_the_number_of_tables() {
    let small = with_tables("introspection::10", 10).await;
    let large = with_tables("introspection::1000", 1000).await;
    let (small_trips, small_tables) = round_trips(&small).await;
    let (large_trips, large_tables) = round_trips(&large).await;
    assert_eq!((small_tables, large_tables), (10, 1000));
    assert!(small_trips > 0, "the proxy saw no traffic");
    assert_eq!(
        small_trips, large_trips,
        "round trips at 10 tables vs 1,000 tables"
    );
}

/// `inspect --format sql` recreates every kind seadiff reads: loaded into an empty database it
/// gives a schema the diff finds identical.
#[tokio::test]
async fn the_sql_dump_recreates_the_schema() {
    let db = TestDb::new("introspection::dump").await;
    db.exec(
        "CREATE TYPE mood AS ENUM ('sad', 'happy');
         CREATE DOMAIN pos AS int CHECK (VALUE > 0);
         CREATE SEQUENCE counter START 10;
         CREATE TABLE p (id int PRIMARY KEY, m mood DEFAULT 'happy', n pos, c int DEFAULT nextval('counter'));
         CREATE TABLE c (id int GENERATED ALWAYS AS IDENTITY, p_id int REFERENCES p (id) ON DELETE CASCADE, note text COLLATE \"C\");
         CREATE INDEX c_note ON c (lower(note)) WHERE note IS NOT NULL;
         CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.note := 'x'; RETURN NEW; END $$;
         CREATE TRIGGER c_touch BEFORE INSERT ON c FOR EACH ROW EXECUTE FUNCTION touch();
         CREATE VIEW v AS SELECT p.id, count(c.id) AS n FROM p LEFT JOIN c ON c.p_id = p.id GROUP BY p.id;
         COMMENT ON TABLE p IS 'parents';",
    )
    .await;
    let dump = crate::seadiff(&db.url, &["inspect", "--format", "sql"]);
    crate::assert_exit(&dump, 0);
    let copy = TestDb::new("introspection::dump::copy").await;
    copy.exec(&crate::stdout(&dump)).await;
    let same = crate::seadiff_with(
        &[],
        &["diff", "--from", &copy.url, "--to", &db.url, "--exit-code"],
    );
    crate::assert_exit(&same, 0);
}
