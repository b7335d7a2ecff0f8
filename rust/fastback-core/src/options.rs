//! Engine options, each declared once, in one table per engine.
//!
//! As in Kissat's `options.h`, an engine lists each option as one line of a
//! [`declare_options!`] table: name, default, minimum, maximum and a one-line
//! description. The macro generates the engine's `Options` struct (every
//! option an `i64`, booleans as 0/1, so that every option has one shape), its
//! `Default`, a range-checked setter by name (used by the Python keyword
//! arguments and the CLI) and the listing that help text is generated from.
//! Add a line to a table and the option exists everywhere.

/// One option's metadata, as listed by an engine's `Options::table()`.
#[derive(Clone, Debug, PartialEq)]
pub struct OptionInfo {
    pub name: &'static str,
    pub default: i64,
    pub min: i64,
    pub max: i64,
    pub description: &'static str,
}

/// `declare_options! { "engine"; name: default, min, max, "description"; ... }`
/// defines `Options` in the calling module. The engine name appears in the
/// error for an unknown option.
macro_rules! declare_options {
    ($engine:literal; $( $name:ident : $default:expr , $min:expr , $max:expr , $desc:expr ; )*) => {
        #[doc = concat!("Options of the ", $engine, "; see [`Options::table`] for ranges and descriptions.")]
        #[derive(Clone, Debug, PartialEq)]
        pub struct Options {
            $( #[doc = $desc] pub $name: i64, )*
        }

        impl Default for Options {
            fn default() -> Self {
                Options { $( $name: $default, )* }
            }
        }

        impl Options {
            /// All options with default, range and description, in declaration order.
            pub fn table() -> Vec<$crate::options::OptionInfo> {
                vec![ $( $crate::options::OptionInfo {
                    name: stringify!($name),
                    default: $default,
                    min: $min,
                    max: $max,
                    description: $desc,
                }, )* ]
            }

            /// Sets an option by name, checking its range.
            ///
            /// Errors: an unknown name, or a value outside `[min, max]`; the
            /// message names the option and its range.
            pub fn set(&mut self, name: &str, value: i64) -> Result<(), String> {
                match name {
                    $( stringify!($name) => {
                        if !($min..=$max).contains(&value) {
                            return Err(format!(
                                "option '{}' must be in [{}, {}], got {}",
                                name, $min, $max, value
                            ));
                        }
                        self.$name = value;
                        Ok(())
                    } )*
                    _ => Err(format!("unknown {} option '{}'", $engine, name)),
                }
            }

            /// Reads an option by name.
            pub fn get(&self, name: &str) -> Option<i64> {
                match name {
                    $( stringify!($name) => Some(self.$name), )*
                    _ => None,
                }
            }
        }
    };
}

pub(crate) use declare_options;
