//! Titles of the CWE entries cuirass rules cite, as MITRE names them (CWE 4.x). A catalogue
//! test checks that every rule's CWE is listed here, which keeps typos and imprecise ids out.

/// `(id, title)` pairs, sorted by id.
pub const CWE_TITLES: &[(u16, &str)] = &[
    (20, "Improper Input Validation"),
    (
        22,
        "Improper Limitation of a Pathname to a Restricted Directory ('Path Traversal')",
    ),
    (73, "External Control of File Name or Path"),
    (
        74,
        "Improper Neutralization of Special Elements in Output Used by a Downstream Component ('Injection')",
    ),
    (
        77,
        "Improper Neutralization of Special Elements used in a Command ('Command Injection')",
    ),
    (
        78,
        "Improper Neutralization of Special Elements used in an OS Command ('OS Command Injection')",
    ),
    (
        79,
        "Improper Neutralization of Input During Web Page Generation ('Cross-site Scripting')",
    ),
    (
        88,
        "Improper Neutralization of Argument Delimiters in a Command ('Argument Injection')",
    ),
    (
        89,
        "Improper Neutralization of Special Elements used in an SQL Command ('SQL Injection')",
    ),
    (
        90,
        "Improper Neutralization of Special Elements used in an LDAP Query ('LDAP Injection')",
    ),
    (
        94,
        "Improper Control of Generation of Code ('Code Injection')",
    ),
    (
        95,
        "Improper Neutralization of Directives in Dynamically Evaluated Code ('Eval Injection')",
    ),
    (
        113,
        "Improper Neutralization of CRLF Sequences in HTTP Headers ('HTTP Request/Response Splitting')",
    ),
    (116, "Improper Encoding or Escaping of Output"),
    (117, "Improper Output Neutralization for Logs"),
    (
        155,
        "Improper Neutralization of Wildcards or Matching Symbols",
    ),
    (
        200,
        "Exposure of Sensitive Information to an Unauthorized Actor",
    ),
    (
        209,
        "Generation of Error Message Containing Sensitive Information",
    ),
    (
        215,
        "Insertion of Sensitive Information Into Debugging Code",
    ),
    (250, "Execution with Unnecessary Privileges"),
    (256, "Plaintext Storage of a Password"),
    (259, "Use of Hard-coded Password"),
    (276, "Incorrect Default Permissions"),
    (295, "Improper Certificate Validation"),
    (297, "Improper Validation of Certificate with Host Mismatch"),
    (306, "Missing Authentication for Critical Function"),
    (311, "Missing Encryption of Sensitive Data"),
    (312, "Cleartext Storage of Sensitive Information"),
    (319, "Cleartext Transmission of Sensitive Information"),
    (321, "Use of Hard-coded Cryptographic Key"),
    (322, "Key Exchange without Entity Authentication"),
    (326, "Inadequate Encryption Strength"),
    (327, "Use of a Broken or Risky Cryptographic Algorithm"),
    (328, "Use of Weak Hash"),
    (329, "Generation of Predictable IV with CBC Mode"),
    (330, "Use of Insufficiently Random Values"),
    (331, "Insufficient Entropy"),
    (
        338,
        "Use of Cryptographically Weak Pseudo-Random Number Generator (PRNG)",
    ),
    (346, "Origin Validation Error"),
    (347, "Improper Verification of Cryptographic Signature"),
    (352, "Cross-Site Request Forgery (CSRF)"),
    (377, "Insecure Temporary File"),
    (400, "Uncontrolled Resource Consumption"),
    (
        409,
        "Improper Handling of Highly Compressed Data (Data Amplification)",
    ),
    (419, "Unprotected Primary Channel"),
    (426, "Untrusted Search Path"),
    (434, "Unrestricted Upload of File with Dangerous Type"),
    (
        451,
        "User Interface (UI) Misrepresentation of Critical Information",
    ),
    (477, "Use of Obsolete Function"),
    (489, "Active Debug Code"),
    (494, "Download of Code Without Integrity Check"),
    (501, "Trust Boundary Violation"),
    (502, "Deserialization of Untrusted Data"),
    (521, "Weak Password Requirements"),
    (522, "Insufficiently Protected Credentials"),
    (532, "Insertion of Sensitive Information into Log File"),
    (
        538,
        "Insertion of Sensitive Information into Externally-Accessible File or Directory",
    ),
    (540, "Inclusion of Sensitive Information in Source Code"),
    (601, "URL Redirection to Untrusted Site ('Open Redirect')"),
    (611, "Improper Restriction of XML External Entity Reference"),
    (
        614,
        "Sensitive Cookie in HTTPS Session Without 'Secure' Attribute",
    ),
    (
        643,
        "Improper Neutralization of Data within XPath Expressions ('XPath Injection')",
    ),
    (676, "Use of Potentially Dangerous Function"),
    (693, "Protection Mechanism Failure"),
    (703, "Improper Check or Handling of Exceptional Conditions"),
    (732, "Incorrect Permission Assignment for Critical Resource"),
    (759, "Use of a One-Way Hash without a Salt"),
    (
        776,
        "Improper Restriction of Recursive Entity References in DTDs ('XML Entity Expansion')",
    ),
    (798, "Use of Hard-coded Credentials"),
    (
        829,
        "Inclusion of Functionality from Untrusted Control Sphere",
    ),
    (
        916,
        "Use of Password Hash With Insufficient Computational Effort",
    ),
    (918, "Server-Side Request Forgery (SSRF)"),
    (942, "Permissive Cross-domain Policy with Untrusted Domains"),
    (1004, "Sensitive Cookie Without 'HttpOnly' Flag"),
    (1021, "Improper Restriction of Rendered UI Layers or Frames"),
    (
        1088,
        "Synchronous Access of Remote Resource without Timeout",
    ),
    (1104, "Use of Unmaintained Third Party Components"),
    (
        1188,
        "Initialization of a Resource with an Insecure Default",
    ),
    (1204, "Generation of Weak Initialization Vector (IV)"),
    (1275, "Sensitive Cookie with Improper SameSite Attribute"),
    (1327, "Binding to an Unrestricted IP Address"),
    (1333, "Inefficient Regular Expression Complexity"),
    (
        1336,
        "Improper Neutralization of Special Elements Used in a Template Engine",
    ),
    (1357, "Reliance on Insufficiently Trustworthy Component"),
    (1395, "Dependency on Vulnerable Third-Party Component"),
];

/// The title of a CWE, if it is in the table.
pub fn cwe_title(id: u16) -> Option<&'static str> {
    CWE_TITLES
        .binary_search_by_key(&id, |&(cwe, _)| cwe)
        .ok()
        .and_then(|index| CWE_TITLES.get(index))
        .map(|&(_, title)| title)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_sorted_and_unique() {
        assert!(CWE_TITLES.windows(2).all(|w| w[0].0 < w[1].0));
        assert_eq!(cwe_title(502), Some("Deserialization of Untrusted Data"));
        assert_eq!(cwe_title(1), None);
    }
}
