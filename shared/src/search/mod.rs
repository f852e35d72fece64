//! Search over `/v1`: the engine (`pirros_search`) with what ties it to a call, the query
//! parameters (`params`) and the page (`run`).

pub use pirros_search::*;

pub mod params;
pub mod run;
