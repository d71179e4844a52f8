//! # kiln-fed (in progress)
