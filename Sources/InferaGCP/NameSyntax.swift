/// The shapes of GCP names infera checks before calling the API (checks that were regular expressions;
/// the release binary carries no regex engine for them).
enum GCPNameSyntax {
    private static func isLower(_ c: UInt8) -> Bool { (0x61...0x7A).contains(c) }
    private static func isDigit(_ c: UInt8) -> Bool { (0x30...0x39).contains(c) }

    /// `^[a-z]+-[a-z]+[0-9]+$`, e.g. `us-central1`.
    static func isRegion(_ s: String) -> Bool {
        let parts = s.utf8.split(separator: UInt8(ascii: "-"), omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[0].allSatisfy(isLower) else { return false }
        let letters = parts[1].prefix(while: isLower)
        let digits = parts[1].dropFirst(letters.count)
        return !letters.isEmpty && !digits.isEmpty && digits.allSatisfy(isDigit)
    }

    /// `^[a-z]+-[a-z]+[0-9]+-[a-z]$`, e.g. `us-central1-a`.
    static func isZone(_ s: String) -> Bool {
        let u = Array(s.utf8)
        guard u.count >= 3, isLower(u[u.count - 1]), u[u.count - 2] == UInt8(ascii: "-") else { return false }
        return isRegion(String(decoding: u.dropLast(2), as: UTF8.self))
    }

    /// `^[a-z]([-a-z0-9]{0,38}[a-z0-9])?$`: 1-40 characters, a lowercase letter first, no `-` last.
    static func isInstanceID(_ s: String) -> Bool {
        let u = Array(s.utf8)
        guard (1...40).contains(u.count), isLower(u[0]) else { return false }
        guard u.allSatisfy({ isLower($0) || isDigit($0) || $0 == UInt8(ascii: "-") }) else { return false }
        return u.count == 1 || u[u.count - 1] != UInt8(ascii: "-")
    }
}
