// The C library, imported in this one place: the files of this module, and the modules built on it (the command
// line, the generators), see it through this re-export.
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
