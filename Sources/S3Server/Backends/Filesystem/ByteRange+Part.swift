extension ByteRange {
    /// The bytes of part `number` of an object (`GET ?partNumber=`): a single-PUT object is one
    /// part; a multipart object's parts are where its upload put them.
    ///
    /// - Returns: nil for part 1 of an empty object (served whole, there is no byte to name).
    /// - Throws: `InvalidPartNumber` beyond the last part; `NotImplemented` for a multipart
    ///   object whose record predates part sizes (its boundaries are unknown).
    static func part(_ number: Int, of object: ObjectInfo) throws(S3StoreError) -> ByteRange? {
        guard let partsCount = object.partsCount else {
            guard number == 1 else { throw .invalidPartNumber(actualSize: object.size) }
            return object.size == 0 ? nil : ByteRange(start: 0, end: object.size - 1, objectSize: object.size)
        }
        guard number <= partsCount else { throw .invalidPartNumber(actualSize: object.size) }
        guard let sizes = object.partSizes, sizes.count == partsCount else {
            throw S3StoreError(
                code: "NotImplemented", httpStatus: 501,
                message: "This object's part boundaries were not recorded; read it with a Range instead")
        }
        let start = sizes.prefix(number - 1).reduce(0, +)
        let size = sizes[number - 1]
        // An empty last part is an empty range at the end (`end` one before `start`).
        return ByteRange(start: start, end: start + size - 1, objectSize: object.size)
    }
}
