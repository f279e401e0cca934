import CLibXML2

/// One-time process-wide set-up of libxml2.
enum LibXML2 {
    /// Initializes the library once (it is not safe to race the first initialization) and
    /// silences its own printing of errors to stderr; the parser reports errors itself.
    static func initializeOnce() {
        _ = initialized
    }

    private static let initialized: Bool = {
        xmlInitParser()
        r53_xml_silence_errors()
        return true
    }()
}
