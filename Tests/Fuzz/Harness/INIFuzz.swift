import AWSKit
import TestSupport

/// The shared credentials and config files on arbitrary text: the reader never crashes, never
/// keeps a line break or surrounding blanks in a section name, key or value, and the provider
/// over both files either answers or refuses (the two files are the input split at a NUL).
enum INIFuzz {
    static func run(_ bytes: [UInt8]) {
        let fields = FuzzFields(bytes)
        let text = fields[0] ?? ""
        let file = INIFile(text: text)
        for (section, keys) in file.sections {
            check(section, "section name")
            for (key, value) in keys {
                check(key, "key in [\(section)]")
                check(value, "value of \(key)")
            }
        }
        let environment = ProcessEnvironment(
            ["AWS_SHARED_CREDENTIALS_FILE": "/c", "AWS_CONFIG_FILE": "/f", "AWS_PROFILE": fields.selector & 1 == 0 ? "default" : "web"])
        let provider = SharedFileCredentialProvider(environment: environment, files: FakeFiles(["/c": text, "/f": fields[1] ?? ""]))
        runBlocking {
            guard let credentials = try? await provider.resolve() else { return }
            if credentials.accessKeyId.isEmpty || credentials.secretAccessKey.isEmpty {
                violated("credentials with an empty key id or secret were returned")
            }
        }
    }

    static func check(_ text: String, _ what: String) {
        if text.contains(where: \.isNewline) { violated("a \(what) holds a line break: \(text.debugDescription)") }
        if let first = text.first, first == " " || first == "\t" { violated("a \(what) starts with a blank: \(text.debugDescription)") }
    }
}
