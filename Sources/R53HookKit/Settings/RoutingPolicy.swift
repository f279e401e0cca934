/// How Route 53 chooses among the members' records of one name and type. Route 53 allows one
/// policy per name and type, so every member of a set must use the same one.
package enum RoutingPolicy: String, Sendable, Equatable, CaseIterable {
    /// Weighted routing: one record answered per query, chosen by weight (r53hook's default).
    case weighted
    /// Multivalue answer routing: up to eight healthy records answered per query, at random,
    /// so a client can retry another address when one fails.
    case multivalue
}
