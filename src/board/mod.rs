//! Boards: the data of real ECP5 and iCE40 boards, a board top (PLL, reset synchroniser, UART
//! host link, status LEDs) around the unchanged engine, the flow from configuration to
//! bitstream, and the host side of the link. See docs/boards.md.

pub mod boards;
pub mod build;
pub mod constraints;
pub mod driver;
pub mod error;
pub mod faults;
pub mod link;
pub mod package;
pub mod protocol;
pub mod rtl;
pub mod shape;
pub mod sim;

pub use boards::Board;
pub use error::{BoardError, Result};
pub use shape::LinkShape;
