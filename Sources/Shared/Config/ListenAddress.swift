/// A `host:port` pair to bind, e.g. `127.0.0.1:8080` or `[::1]:8080`.
public struct ListenAddress: Sendable, Equatable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Parses `host:port`; IPv6 hosts are written in brackets.
    public init?(parsing text: String) {
        let text = text.trimmingASCIIWhitespace()
        let host: Substring
        let portText: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { return nil }
            host = text[text.index(after: text.startIndex)..<close]
            let rest = text[text.index(after: close)...]
            guard rest.hasPrefix(":") else { return nil }
            portText = rest.dropFirst()
        } else {
            guard let colon = text.lastIndex(of: ":") else { return nil }
            host = text[..<colon]
            portText = text[text.index(after: colon)...]
        }
        guard !host.isEmpty, let port = Int(portText), (0...65535).contains(port) else { return nil }
        self.host = String(host)
        self.port = port
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}

extension StringProtocol {
    /// Trims spaces, tabs, CR and LF — the characters a file or a pasted token may carry.
    public func trimmingASCIIWhitespace() -> String {
        var view = Substring(self)
        while let first = view.utf8.first, first == 0x20 || first == 0x09 || first == 0x0A || first == 0x0D {
            view = view.dropFirst()
        }
        while let last = view.utf8.last, last == 0x20 || last == 0x09 || last == 0x0A || last == 0x0D {
            view = view.dropLast()
        }
        return String(view)
    }
}
