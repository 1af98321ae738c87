//! URL state.
