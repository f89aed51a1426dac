// The shared database fixtures (`Engine`, `TestDatabase`) for every file of this target.
@_exported import HeraldTestSupport
