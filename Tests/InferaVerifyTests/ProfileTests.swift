import Testing
@testable import InferaVerify
