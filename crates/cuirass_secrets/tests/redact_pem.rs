//! Redaction removes a whole private-key block, not only its `BEGIN` line.

#[test]
fn a_private_key_block_is_redacted_whole() {
    let body = "MIIEowIBAAKCAQEAx7Qk3VbN7rT2mXc9LpWz4HdF1sR8yG2uJ5nK0aP6eL3oQ9iB\n\
                Zt4Cw1Vf8Mh2Ds7Ya5Xk0Nr3Jq6Pb9Ue2Lg8Ti4Wo1Hc5Fz7Ry3Km0Sv6Ad9Gn2Xq\n";
    let text =
        format!("key: -----BEGIN RSA PRIVATE KEY-----\n{body}-----END RSA PRIVATE KEY-----!");
    let redacted = cuirass_secrets::redact(&text);
    assert!(!redacted.contains("MIIEow"), "{redacted}");
    assert!(!redacted.contains("Zt4Cw1"), "{redacted}");
}
