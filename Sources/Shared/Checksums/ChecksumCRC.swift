/// Table-driven, slicing-by-8 implementations of the three reflected CRCs S3 uses.
///
/// All three are "reflected" CRCs with all-ones initial value and final XOR, so the running state kept
/// between updates is the *inverted* register: start from 0, and `update` inverts on entry and exit.
/// That makes the state of an empty stream equal its final value (0), as for zlib's `crc32()`.
///
/// Slicing-by-8 (Intel, "A Systematic Approach to Building High Performance Software-based CRC
/// Generators", 2005) consumes eight bytes per step with eight 256-entry tables: table 0 is the classic
/// byte-at-a-time table, and table k advances an entry by k further zero bytes.
enum ChecksumCRC {
    static let crc32Tables = makeTables(polynomial: UInt32(0xEDB8_8320))
    static let crc32cTables = makeTables(polynomial: UInt32(0x82F6_3B78))
    static let crc64NVMETables = makeTables(polynomial: UInt64(0x9A6C_9329_AC4B_C9B5))

    /// Eight consecutive 256-entry tables in one flat array (entry `k * 256 + n`), for a
    /// reflected CRC of any width (`UInt32` for CRC32/CRC32C, `UInt64` for CRC64NVME).
    private static func makeTables<Word: FixedWidthInteger & UnsignedInteger>(polynomial: Word) -> [Word] {
        var tables = [Word](repeating: 0, count: 8 * 256)
        for n in 0..<256 {
            var crc = Word(n)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ polynomial : crc >> 1 }
            tables[n] = crc
        }
        for k in 1..<8 {
            for n in 0..<256 {
                let previous = tables[(k - 1) * 256 + n]
                tables[k * 256 + n] = (previous >> 8) ^ tables[Int(previous & 0xFF)]
            }
        }
        return tables
    }

    /// Continues a 32-bit reflected CRC.
    /// - Parameters:
    ///   - crc: the finished CRC of the bytes so far (0 for none).
    ///   - bytes: the next bytes, any alignment.
    ///   - tables: ``crc32Tables`` or ``crc32cTables``.
    /// - Returns: the finished CRC of all bytes.
    static func update32(_ crc: UInt32, _ bytes: UnsafeRawBufferPointer, tables: [UInt32]) -> UInt32 {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return crc }
        return tables.withUnsafeBufferPointer { t in
            var crc = ~crc
            var offset = 0
            let count = bytes.count
            while offset + 8 <= count {
                let word = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
                let low = crc ^ UInt32(truncatingIfNeeded: word)
                let high = UInt32(truncatingIfNeeded: word >> 32)
                crc = t[7 * 256 + Int(low & 0xFF)]
                    ^ t[6 * 256 + Int((low >> 8) & 0xFF)]
                    ^ t[5 * 256 + Int((low >> 16) & 0xFF)]
                    ^ t[4 * 256 + Int(low >> 24)]
                    ^ t[3 * 256 + Int(high & 0xFF)]
                    ^ t[2 * 256 + Int((high >> 8) & 0xFF)]
                    ^ t[1 * 256 + Int((high >> 16) & 0xFF)]
                    ^ t[Int(high >> 24)]
                offset += 8
            }
            while offset < count {
                let byte = base.load(fromByteOffset: offset, as: UInt8.self)
                crc = (crc >> 8) ^ t[Int((crc ^ UInt32(byte)) & 0xFF)]
                offset += 1
            }
            return ~crc
        }
    }

    /// Continues CRC-64/NVME.
    /// - Parameters:
    ///   - crc: the finished CRC of the bytes so far (0 for none).
    ///   - bytes: the next bytes, any alignment.
    /// - Returns: the finished CRC of all bytes.
    static func update64(_ crc: UInt64, _ bytes: UnsafeRawBufferPointer) -> UInt64 {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return crc }
        return crc64NVMETables.withUnsafeBufferPointer { t in
            var crc = ~crc
            var offset = 0
            let count = bytes.count
            while offset + 8 <= count {
                crc ^= UInt64(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
                crc = t[7 * 256 + Int(crc & 0xFF)]
                    ^ t[6 * 256 + Int((crc >> 8) & 0xFF)]
                    ^ t[5 * 256 + Int((crc >> 16) & 0xFF)]
                    ^ t[4 * 256 + Int((crc >> 24) & 0xFF)]
                    ^ t[3 * 256 + Int((crc >> 32) & 0xFF)]
                    ^ t[2 * 256 + Int((crc >> 40) & 0xFF)]
                    ^ t[1 * 256 + Int((crc >> 48) & 0xFF)]
                    ^ t[Int(crc >> 56)]
                offset += 8
            }
            while offset < count {
                let byte = base.load(fromByteOffset: offset, as: UInt8.self)
                crc = (crc >> 8) ^ t[Int((crc ^ UInt64(byte)) & 0xFF)]
                offset += 1
            }
            return ~crc
        }
    }
}
