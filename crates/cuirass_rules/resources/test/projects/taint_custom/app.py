from acme import db, web


def handler():
    name = web.param("name")
    db.run_sql("SELECT * FROM users WHERE name = '" + name + "'")  # expect: tainted-sql
    db.run_sql("SELECT * FROM users WHERE name = " + db.quote_literal(name))  # ok: tainted-sql
    db.run_sql("SELECT count(*) FROM users")  # ok: tainted-sql
