//! Deploy checks: `template.yaml` against the code (routes, least privilege, parameters).

mod least_privilege;
mod sources;
mod template;
