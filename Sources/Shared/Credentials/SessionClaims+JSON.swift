extension SessionClaims {
    /// The claims as the JSON a session token carries: the members `JSONEncoder` would write
    /// (sorted keys, absent optionals left out), written by hand because `JSONEncoder` was the
    /// largest single cost of issuing a session. ``init(from:)`` reads it back.
    public var jsonBytes: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(512 + (pol?.utf8.count ?? 0))
        var first = true
        func key(_ name: StaticString) {
            out.append(first ? UInt8(ascii: "{") : UInt8(ascii: ","))
            first = false
            out.append(UInt8(ascii: "\""))
            name.withUTF8Buffer { out.append(contentsOf: $0) }
            out.append(contentsOf: #"":"#.utf8)
        }
        func string(_ name: StaticString, _ value: String) {
            key(name)
            JSONText.appendString(value, to: &out)
        }
        func strings(_ values: [String]) {
            out.append(UInt8(ascii: "["))
            for (index, value) in values.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                JSONText.appendString(value, to: &out)
            }
            out.append(UInt8(ascii: "]"))
        }
        func object<Value>(_ name: StaticString, _ members: [String: Value], _ write: (Value) -> Void) {
            key(name)
            out.append(UInt8(ascii: "{"))
            for (index, member) in members.sorted(by: { $0.key < $1.key }).enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                JSONText.appendString(member.key, to: &out)
                out.append(UInt8(ascii: ":"))
                write(member.value)
            }
            out.append(UInt8(ascii: "}"))
        }

        string("akid", akid)
        object("claims", claims) { strings($0) }
        string("dkid", dkid)
        key("exp")
        out.append(contentsOf: String(exp).utf8)
        key("iat")
        out.append(contentsOf: String(iat).utf8)
        string("iss", iss)
        string("jti", jti)
        string("oaud", oaud)
        string("oiss", oiss)
        if let parns {
            key("parns")
            strings(parns)
        }
        if let pol { string("pol", pol) }
        string("role", role)
        string("rsn", rsn)
        if let srcid { string("srcid", srcid) }
        string("sub", sub)
        object("tags", tags) { JSONText.appendString($0, to: &out) }
        key("v")
        out.append(contentsOf: String(v).utf8)
        out.append(UInt8(ascii: "}"))
        return out
    }
}
