import Crypto
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import SwiftASN1
import X509

/// A CA and a server certificate made for one verify run, written to a private directory (0700; the
/// server key 0600). Nothing is reused between runs; `remove()` deletes the directory.
public struct ThrowawayTLS: Sendable {
    /// The directory holding the files.
    public let directory: String
    /// The CA certificate (PEM): what `REDIS_CA_CERT` points to.
    public let caCertPath: String
    /// The server certificate (PEM), signed by the CA, for 127.0.0.1, ::1 and localhost.
    public let serverCertPath: String
    /// The server key (PEM, PKCS#8), mode 0600.
    public let serverKeyPath: String
    /// The system's CA bundle plus this CA (for `SSL_CERT_FILE`, which OpenSSL-based clients read); written
    /// by `writeBundle()`.
    public let bundlePath: String
    /// The CA certificate's PEM text.
    public let caPEM: String

    /// Generates the CA and server certificate (P-256, valid one day) under a new temporary directory.
    public static func generate(now: Date = Date()) throws -> ThrowawayTLS {
        var template = Array("/tmp/infera-verify.XXXXXX".utf8CString)
        guard let dirPtr = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw VerifyError("cannot create a temporary directory for the TLS files (errno \(errno))")
        }
        let dir = String(cString: dirPtr)
        let caKey = P256.Signing.PrivateKey()
        let caName = try DistinguishedName {
            OrganizationName("infera verify")
            CommonName("infera verify throwaway CA")
        }
        let ca = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: .init(caKey.publicKey),
            notValidBefore: now.addingTimeInterval(-300), notValidAfter: now.addingTimeInterval(86_400),
            issuer: caName, subject: caName, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                Critical(KeyUsage(keyCertSign: true, cRLSign: true))
            },
            issuerPrivateKey: .init(caKey))
        let serverKey = P256.Signing.PrivateKey()
        let serverName = try DistinguishedName { CommonName("localhost") }
        let server = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: .init(serverKey.publicKey),
            notValidBefore: now.addingTimeInterval(-300), notValidAfter: now.addingTimeInterval(86_400),
            issuer: caName, subject: serverName, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true, keyEncipherment: true))
                try ExtendedKeyUsage([.serverAuth])
                SubjectAlternativeNames([
                    .dnsName("localhost"),
                    .ipAddress(ASN1OctetString(contentBytes: [127, 0, 0, 1])),
                    .ipAddress(ASN1OctetString(contentBytes: ArraySlice([UInt8](repeating: 0, count: 15) + [1]))),
                ])
            },
            issuerPrivateKey: .init(caKey))
        let caPEM = try ca.serializeAsPEM().pemString + "\n"
        let tls = ThrowawayTLS(directory: dir, caCertPath: dir + "/ca.pem", serverCertPath: dir + "/server.pem",
                               serverKeyPath: dir + "/server-key.pem", bundlePath: dir + "/ca-bundle.pem", caPEM: caPEM)
        try writeFile(tls.caCertPath, caPEM, mode: 0o644)
        try writeFile(tls.serverCertPath, try server.serializeAsPEM().pemString + "\n", mode: 0o644)
        try writeFile(tls.serverKeyPath, serverKey.pemRepresentation + "\n", mode: 0o600)
        return tls
    }

    /// Writes `bundlePath`: the system's CA bundle plus this CA. Only the application's command needs it
    /// (`SSL_CERT_FILE`), so it is written off the engine's start-up path (`VerifyRun` does it while the
    /// checks run). The system bundle is copied as bytes (≈ 200 KB; decoding it as a String was slow).
    public func writeBundle() throws {
        var bundle: [UInt8] = []
        for system in ["/etc/ssl/certs/ca-certificates.crt", "/etc/pki/tls/certs/ca-bundle.crt", "/etc/ssl/cert.pem"] {
            if let bytes = readBytes(system) {
                bundle = bytes
                if let last = bundle.last, last != UInt8(ascii: "\n") { bundle.append(UInt8(ascii: "\n")) }
                break
            }
        }
        try writeFile(bundlePath, bundle + Array(caPEM.utf8), mode: 0o644)
    }

    /// Deletes the files and the directory.
    public func remove() {
        for p in [caCertPath, serverCertPath, serverKeyPath, bundlePath] { unlink(p) }
        rmdir(directory)
    }
}

/// Writes `text` to `path` with `mode` (created exclusively, so a secret file is never readable by others).
func writeFile(_ path: String, _ text: String, mode: mode_t) throws {
    try writeFile(path, Array(text.utf8), mode: mode)
}

/// The bytes of a regular file, nil when it cannot be read.
func readBytes(_ path: String) -> [UInt8]? {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    if fd < 0 { return nil }
    defer { close(fd) }
    var st = stat()
    guard fstat(fd, &st) == 0 else { return nil }
    var out = [UInt8](repeating: 0, count: Int(st.st_size))
    var off = 0
    while off < out.count {
        let n = out.withUnsafeMutableBytes { read(fd, $0.baseAddress! + off, $0.count - off) }
        if n < 0 && errno == EINTR { continue }
        if n <= 0 { break }
        off += n
    }
    return off == out.count ? out : Array(out[..<off])
}

/// Writes `bytes` to `path` with `mode`.
func writeFile(_ path: String, _ bytes: [UInt8], mode: mode_t) throws {
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
    if fd < 0 { throw VerifyError("cannot write \(path) (errno \(errno))") }
    defer { close(fd) }
    fchmod(fd, mode)
    var bytes = bytes
    var off = 0
    while off < bytes.count {
        let n = bytes.withUnsafeMutableBytes { write(fd, $0.baseAddress! + off, $0.count - off) }
        if n < 0 { if errno == EINTR { continue }; throw VerifyError("cannot write \(path) (errno \(errno))") }
        off += n
    }
    bytes.removeAll()
}

/// A verify failure with a message for people.
public struct VerifyError: Error, Sendable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
