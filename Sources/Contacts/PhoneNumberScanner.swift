/// Extracts the digits from a phone number as people write it.
enum PhoneNumberScanner {
    /// The digits of a phone number and whether it started with "+".
    struct Result {
        var digits = ""
        var hasPlus = false
        /// Offset in `digits` of a zero written as "(0)" after other digits, as in "+44 (0)20".
        var optionalZeroOffset: Int?
    }

    /// Keeps ASCII digits and skips separators (whitespace, dashes, dots, slashes,
    /// parentheses); a "+" is allowed only before the first digit.
    static func scan(_ raw: String) throws(PhoneNumberError) -> Result {
        var result = Result()
        let scalars = Array(raw.unicodeScalars)
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            switch scalar {
            case "0"..."9":
                result.digits.unicodeScalars.append(scalar)
            case "+":
                guard result.digits.isEmpty, !result.hasPlus else { throw .invalidCharacters }
                result.hasPlus = true
            case "(" where isOptionalZero(scalars, at: index) && !result.digits.isEmpty:
                result.optionalZeroOffset = result.digits.utf8.count
                result.digits += "0"
                index += 3
                continue
            case "-", ".", "(", ")", "/":
                break
            default:
                guard scalar.properties.isWhitespace else { throw .invalidCharacters }
            }
            index += 1
        }
        return result
    }

    /// Whether "(0)" starts at `index`.
    private static func isOptionalZero(_ scalars: [Unicode.Scalar], at index: Int) -> Bool {
        index + 2 < scalars.count && scalars[index + 1] == "0" && scalars[index + 2] == ")"
    }
}
