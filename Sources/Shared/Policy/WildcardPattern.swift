/// An anchored glob with `*` (any run, including none) and `?` (exactly one character),
/// compiled once at load time.
///
/// IAM wildcards always match the **whole** string; a substring match would let
/// `arn:aws:s3:::data` grant `arn:aws:s3:::data-private` (the fakes3pp flaw). No regular
/// expression is built: matching walks the UTF-8 bytes with the classic single-backtrack-point
/// algorithm, which is O(pattern × input) in the worst case and linear in practice, so a
/// pattern full of stars cannot cause exponential backtracking. `?` consumes one Unicode
/// scalar, not one byte.
public struct WildcardPattern: Sendable, Hashable, CustomStringConvertible {
    @usableFromInline
    enum Element: Sendable, Hashable {
        case byte(UInt8)
        case anyOne
        case anyRun
    }

    /// A piece of a pattern: either text where `*` and `?` are wildcards, or literal text
    /// (a resolved policy variable or an escape such as `${*}`) where they are ordinary characters.
    public enum Piece: Sendable, Hashable {
        case wildcards(String)
        case literal(String)
    }

    @usableFromInline let elements: [Element]
    /// Whether ASCII letters compare case-insensitively (IAM actions do; resources do not).
    public let caseInsensitive: Bool

    /// The pattern as text; a literal `*` or `?` (from a variable or escape) shows as `${*}` / `${?}`.
    /// Computed rather than stored, so copying a pattern costs one retain.
    public var description: String {
        var bytes: [UInt8] = []
        for element in elements {
            switch element {
            case .anyRun: bytes.append(UInt8(ascii: "*"))
            case .anyOne: bytes.append(UInt8(ascii: "?"))
            case .byte(UInt8(ascii: "*")): bytes += Array("${*}".utf8)
            case .byte(UInt8(ascii: "?")): bytes += Array("${?}".utf8)
            case .byte(let byte): bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Compiles `pattern`, treating `*` and `?` as wildcards.
    public init(_ pattern: String, caseInsensitive: Bool = false) {
        self.init(pieces: [.wildcards(pattern)], caseInsensitive: caseInsensitive)
    }

    /// Compiles a pattern of `pieces`; wildcards only act inside ``Piece/wildcards(_:)`` pieces.
    public init(pieces: [Piece], caseInsensitive: Bool = false) {
        var elements: [Element] = []
        for piece in pieces {
            switch piece {
            case .wildcards(let text):
                Self.appendElements(of: text, wildcards: true, caseInsensitive: caseInsensitive, to: &elements)
            case .literal(let text):
                Self.appendElements(of: text, wildcards: false, caseInsensitive: caseInsensitive, to: &elements)
            }
        }
        self.elements = elements
        self.caseInsensitive = caseInsensitive
    }

    /// Wraps already compiled elements (used when splicing resolved variables into a pattern).
    init(elements: [Element], caseInsensitive: Bool) {
        self.elements = elements
        self.caseInsensitive = caseInsensitive
    }

    /// Appends the elements for `text`, as wildcards or literally.
    static func appendElements(of text: String, wildcards: Bool, caseInsensitive: Bool, to elements: inout [Element]) {
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "*") where wildcards:
                if elements.last != .anyRun { elements.append(.anyRun) }
            case UInt8(ascii: "?") where wildcards:
                elements.append(.anyOne)
            default:
                elements.append(.byte(caseInsensitive ? fold(byte) : byte))
            }
        }
    }

    /// True when the pattern has no wildcard, so it matches exactly one string.
    public var isLiteral: Bool { elements.allSatisfy(Self.isByte) }

    /// True when the pattern is a lone `*`, which matches everything.
    public var matchesEverything: Bool { elements == [.anyRun] }

    private static func isByte(_ element: Element) -> Bool {
        if case .byte = element { return true }
        return false
    }

    @inlinable
    static func fold(_ byte: UInt8) -> UInt8 {
        (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte | 0x20 : byte
    }

    /// Whether the whole of `string` matches.
    public func matches(_ string: String) -> Bool {
        var string = string
        return string.withUTF8 { matches($0) }
    }

    /// Whether the whole of the UTF-8 `input` matches.
    public func matches(_ input: UnsafeBufferPointer<UInt8>) -> Bool {
        let count = input.count
        var p = 0
        var s = 0
        var starP = -1
        var starS = 0
        elements.withUnsafeBufferPointer { pattern in
            let m = pattern.count
            while s < count {
                if p < m {
                    switch pattern[p] {
                    case .anyRun:
                        starP = p
                        starS = s
                        p += 1
                        continue
                    case .anyOne:
                        s = Self.nextScalar(input, after: s)
                        p += 1
                        continue
                    case .byte(let expected):
                        let actual = caseInsensitive ? Self.fold(input[s]) : input[s]
                        if actual == expected {
                            p += 1
                            s += 1
                            continue
                        }
                    }
                }
                guard starP >= 0 else {
                    p = -1
                    return
                }
                // Let the last star swallow one more character and retry from there.
                p = starP + 1
                starS = Self.nextScalar(input, after: starS)
                s = starS
            }
            while p < m, pattern[p] == .anyRun { p += 1 }
            if p != m { p = -1 }
        }
        return p >= 0
    }

    /// The index of the next Unicode scalar boundary after `index`.
    @inline(__always)
    static func nextScalar(_ input: UnsafeBufferPointer<UInt8>, after index: Int) -> Int {
        var next = index + 1
        while next < input.count, input[next] & 0xC0 == 0x80 { next += 1 }
        return next
    }
}
