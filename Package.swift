// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "r53hook",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "r53hook", targets: ["r53hook"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        // C libraries, linked from the system (Debian: libcurl4-openssl-dev, libxml2-dev).
        .systemLibrary(
            name: "CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"]), .yum(["libcurl-devel"])]
        ),
        .systemLibrary(
            name: "CLibXML2",
            pkgConfig: "libxml-2.0",
            providers: [.apt(["libxml2-dev"]), .yum(["libxml2-devel"])]
        ),
        // prctl(2), which Swift cannot call (variadic, and outside the Glibc module): header only.
        .systemLibrary(name: "CProcessControl"),

        // What the executable needs from the C runtime: the glibc 2.34 floor (hypotf), argv
        // without /proc, and the build commit written in by scripts/build-release. See its headers.
        .target(name: "CRuntime"),

        // Pure AWS Signature Version 4 signer: no I/O, time passed in.
        .target(
            name: "SigV4",
            dependencies: [.product(name: "Crypto", package: "swift-crypto")]
        ),
        // Hardened XML reading (libxml2, no DTDs, no entities) and an escaping writer.
        .target(name: "XMLLite", dependencies: ["CLibXML2"]),
        // HTTP over libcurl, credentials, IMDSv2, retries, AWS error decoding, request sending.
        .target(
            name: "AWSKit",
            dependencies: [
                "CCurl", "CProcessControl", "SigV4", "XMLLite",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The domain: Route 53 weighted records, joining, leaving, draining, status.
        .target(
            name: "R53HookKit",
            dependencies: [
                "AWSKit", "XMLLite",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The command line: the settings table and its resolver, the commands, logging, and the
        // one place where errors become words and exit codes. A library so that tests reach it.
        .target(
            name: "R53HookCLI",
            dependencies: [
                "R53HookKit", "AWSKit", "CRuntime",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The executable: only the process entry.
        .executableTarget(name: "r53hook", dependencies: ["R53HookCLI", "AWSKit", "CRuntime"]),

        // Fakes behind the seams, shared by the unit tests.
        .target(name: "TestSupport", dependencies: ["AWSKit", "XMLLite", .product(name: "Logging", package: "swift-log")],
                path: "Tests/TestSupport"),

        .testTarget(name: "SigV4Tests", dependencies: ["SigV4"], exclude: ["Vectors"]),
        .testTarget(name: "XMLLiteTests", dependencies: ["XMLLite"]),
        .testTarget(name: "AWSKitTests", dependencies: ["AWSKit", "SigV4", "XMLLite", "TestSupport"]),
        .testTarget(name: "R53HookKitTests", dependencies: ["R53HookKit", "AWSKit", "XMLLite", "TestSupport"]),
        .testTarget(name: "R53HookCLITests", dependencies: ["R53HookCLI", "R53HookKit", "AWSKit", "TestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
