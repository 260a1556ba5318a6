import InferaHTTP
import InferaTestSupport
import Testing

@Suite struct RedactionTests {
    @Test func fieldsInJSONFormXMLAndQueries() {
        let r = Redactor()
        #expect(r.redact(#"{"database_id":"abc","password":"hunter2","rest_token" : "t0k","n":1}"#)
                == #"{"database_id":"abc","password":"<redacted>","rest_token" : "<redacted>","n":1}"#)
        #expect(r.redact(#"{"secret_id":"my-secret","token_type":"Bearer","access_token":"ya29.x"}"#)
                == #"{"secret_id":"my-secret","token_type":"Bearer","access_token":"<redacted>"}"#)
        #expect(r.redact("Action=CreateReplicationGroup&AuthToken=abcdefghijklmnop&Version=2015-02-02")
                == "Action=CreateReplicationGroup&AuthToken=<redacted>&Version=2015-02-02")
        #expect(r.redact("<R><SecretString>redis://:pw@h:6379</SecretString><Name>n</Name></R>")
                == "<R><SecretString><redacted></SecretString><Name>n</Name></R>")
        #expect(r.redact(url: "https://h/x?X-Amz-Signature=abc&X-Amz-Date=1&access_token=zz") == "https://h/x?X-Amz-Signature=<redacted>&X-Amz-Date=1&access_token=<redacted>")
        #expect(r.redact(header: "Authorization", value: "Basic Zm9vOmJhcg==") == "<redacted>")
        #expect(r.redact(header: "X-Amz-Security-Token", value: "FQoG") == "<redacted>")
        #expect(r.redact(header: "Content-Type", value: "application/json") == "application/json")
    }

    /// A sentence with `NAME=value` in it: only that value can be hidden, the rest of the message (the fix) stays.
    @Test func pairsInsideFreeTextRedactOnlyTheirValue() {
        let r = Redactor()
        #expect(r.redact("tried: web identity (AWS_WEB_IDENTITY_TOKEN_FILE not set), IMDS (AWS_EC2_METADATA_DISABLED=true). set AWS_ACCESS_KEY_ID")
                == "tried: web identity (AWS_WEB_IDENTITY_TOKEN_FILE not set), IMDS (AWS_EC2_METADATA_DISABLED=true). set AWS_ACCESS_KEY_ID")
        #expect(r.redact("export AWS_SESSION_TOKEN=FQoGZXIvYXdz and retry") == "export AWS_SESSION_TOKEN=<redacted> and retry")
        #expect(r.redact("bad password=hunter2 token=x2 id=7") == "bad password=<redacted> token=<redacted> id=7")
    }

    @Test func knownSecretValuesAnywhere() {
        let secrets = SecretRegistry()
        secrets.add("s3cr3t-planted-value")
        secrets.add("abc") // too short to register
        let r = Redactor(secrets: secrets)
        #expect(r.redact("url rediss://default:s3cr3t-planted-value@h:6379 abc") == "url rediss://default:<redacted>@h:6379 abc")
    }

    @Test func debugLogNeverShowsCredentials() async throws {
        let secrets = SecretRegistry()
        secrets.add("api-key-PLANTED-1234")
        let logger = MemoryLogger()
        let t = FakeHTTPTransport(queue: [.respond(HTTPResponse(status: 200, headers: ["Set-Cookie": "sid=PLANTEDCOOKIE"],
                                                                text: #"{"database_name":"x","password":"PLANTED-PW-999","rest_token":"PLANTED-RT"}"#))])
        let c = HTTPClient(transport: t, policy: .none, authenticator: BasicAuthenticator(user: "dev@example.com", password: "api-key-PLANTED-1234"),
                           clock: ManualClock(), logger: logger, redactor: Redactor(secrets: secrets))
        _ = try await c.send(HTTPRequest(method: .POST, url: "https://api.upstash.com/v2/redis/database",
                                         text: #"{"database_name":"x","password":"PLANTED-BODY"}"#, contentType: "application/json"))
        let log = logger.lines.joined(separator: "\n")
        #expect(log.contains("HTTP request: POST https://api.upstash.com/v2/redis/database"))
        #expect(log.contains("HTTP response: 200"))
        for planted in ["PLANTED-PW-999", "PLANTED-RT", "PLANTED-BODY", "PLANTEDCOOKIE", "api-key-PLANTED-1234", "ZGV2QGV4YW1wbGUuY29t"] {
            #expect(!log.contains(planted), "\(planted) leaked into the debug log")
        }
    }
}
