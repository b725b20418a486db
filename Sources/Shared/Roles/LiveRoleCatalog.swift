import NIOConcurrencyHelpers

/// The role catalog in force. A reload replaces it whole, so a request evaluates against either
/// the old or the new policies, never a mix; readers take `current` once per decision.
public final class LiveRoleCatalog: Sendable {
    private let box: NIOLockedValueBox<RoleCatalog>

    public init(_ catalog: RoleCatalog) {
        box = NIOLockedValueBox(catalog)
    }

    public var current: RoleCatalog { box.withLockedValue { $0 } }

    public func replace(with catalog: RoleCatalog) {
        box.withLockedValue { $0 = catalog }
    }
}
