//! sarcoma-bot's answering core: a curated knowledge base about soft tissue sarcoma, a matcher
//! that maps a member's own words to one of its entries (or to a safety reply), and the answer
//! built from it. Nothing here knows about Discord; the command line and the Discord layer are
//! thin front ends over [`answer::Answerer`].

pub mod answer;
pub(crate) mod classifier;
pub mod config;
pub mod discord;
pub mod knowledge;
pub mod matcher;
pub(crate) mod memory;
pub(crate) mod reload;
pub mod routes;
pub mod safety;
