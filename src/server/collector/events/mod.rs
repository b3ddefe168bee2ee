//! Endpoint-level events of REST API v1: device lists, media actions, media
//! pipeline, dominant speaker, user feedback and system status. None of
//! them names a connection: the timeline rows have no fabric.

pub mod feedback;
pub mod media;
pub mod status;
