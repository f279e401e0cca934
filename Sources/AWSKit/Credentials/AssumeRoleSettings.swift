/// A profile's assume-role keys, checked as the AWS CLI checks them: `role_arn`, where the
/// source credentials come from (`source_profile` or `credential_source`), `external_id`,
/// `role_session_name` and `duration_seconds`.
package struct AssumeRoleSettings: Sendable, Equatable {
    /// Where the credentials that call STS come from.
    package enum Source: Sendable, Equatable {
        /// Another profile (or this one, when it also holds static keys).
        case profile(String)
        /// `credential_source = Environment`: `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY`.
        case environment
        /// `credential_source = Ec2InstanceMetadata`: the instance profile role.
        case instanceMetadata
        /// `credential_source = EcsContainer`: the container credentials endpoint.
        case container
    }

    /// The profile the keys were read from, for messages.
    package let profile: String
    /// The role to assume.
    package let roleARN: String
    /// Where the calling credentials come from.
    package let source: Source
    /// The external id the role's trust policy may demand.
    package let externalId: String?
    /// The session name, seen in CloudTrail and in the assumed role's ARN.
    package let sessionName: String
    /// How long the role's credentials last (900 to 43,200 s; STS's default 3,600 when unset).
    package let durationSeconds: Int?

    /// Reads the keys of a profile that has `role_arn`; an error naming the key when one is
    /// wrong, before anything is asked of STS.
    package init(profile: String, keys: [String: String], defaultSessionName: String) throws(AWSKitError) {
        self.profile = profile
        guard let roleARN = keys["role_arn"], !roleARN.isEmpty else {
            throw AWSKitError(.invalidCredentialSource, "profile '\(profile)' has an empty role_arn")
        }
        guard roleARN.hasPrefix("arn:"), roleARN.split(separator: ":", omittingEmptySubsequences: false).count >= 6,
            roleARN.contains(":role/")
        else {
            throw AWSKitError(
                .invalidCredentialSource,
                "profile '\(profile)': role_arn '\(PrintableText.escaping(roleARN))' is not a role ARN (arn:aws:iam::ACCOUNT:role/NAME)")
        }
        self.roleARN = roleARN

        let sourceProfile = keys["source_profile"].flatMap { $0.isEmpty ? nil : $0 }
        let credentialSource = keys["credential_source"].flatMap { $0.isEmpty ? nil : $0 }
        switch (sourceProfile, credentialSource) {
        case (let name?, nil):
            source = .profile(name)
        case (nil, let name?):
            switch name {
            case "Environment": source = .environment
            case "Ec2InstanceMetadata": source = .instanceMetadata
            case "EcsContainer": source = .container
            default:
                throw AWSKitError(
                    .invalidCredentialSource,
                    "profile '\(profile)': credential_source '\(PrintableText.escaping(name))' is not one of Environment, Ec2InstanceMetadata, EcsContainer")
            }
        case (.some, .some):
            throw AWSKitError(
                .invalidCredentialSource, "profile '\(profile)' has both source_profile and credential_source: keep one")
        case (nil, nil):
            throw AWSKitError(
                .invalidCredentialSource,
                "profile '\(profile)' has role_arn but neither source_profile nor credential_source: say where the credentials that assume the role come from")
        }

        externalId = keys["external_id"].flatMap { $0.isEmpty ? nil : $0 }
        if let externalId, !Self.isValid(externalId, length: 2...1224, extra: "+=,.@:/-") {
            throw AWSKitError(
                .invalidCredentialSource,
                "profile '\(profile)': external_id must be 2 to 1224 letters, digits or +=,.@:/- characters")
        }
        let name = keys["role_session_name"].flatMap { $0.isEmpty ? nil : $0 } ?? defaultSessionName
        guard Self.isValid(name, length: 2...64, extra: "+=,.@-") else {
            throw AWSKitError(
                .invalidCredentialSource,
                "profile '\(profile)': role_session_name must be 2 to 64 letters, digits or +=,.@- characters")
        }
        sessionName = name
        if let text = keys["duration_seconds"], !text.isEmpty {
            guard let seconds = Int(text), (900...43_200).contains(seconds) else {
                throw AWSKitError(
                    .invalidCredentialSource,
                    "profile '\(profile)': duration_seconds must be a whole number of seconds from 900 to 43200 (the role's maximum session duration may be lower)")
            }
            durationSeconds = seconds
        } else {
            durationSeconds = nil
        }
    }

    /// Letters, digits and the extra characters STS allows, within a length.
    private static func isValid(_ text: String, length: ClosedRange<Int>, extra: String) -> Bool {
        length.contains(text.utf8.count)
            && text.unicodeScalars.allSatisfy { scalar in
                scalar.isASCII && (("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar) || extra.unicodeScalars.contains(scalar))
            }
    }
}
