public enum Portcullis { public static let version = "0.1.0" }
