//! The core's `Folder` cases (`owndir_core::folder_cases`) on the worker's own folder,
//! `HandleFolder` over OPFS, inside a real service worker: the same table the memory and
//! `std::fs` folders pass natively. Run by `wasm-pack test --headless --chrome sw`
//! (`cargo xtask test` does).

use crate::global_scope;
use crate::handle_folder::HandleFolder;
use owndir_core::SafePath;
use owndir_core::folder_cases::{CASES, TestableFolder, run_all};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use web_sys::{Blob, File, FileSystemDirectoryHandle};

wasm_bindgen_test_configure!(run_in_service_worker);

impl TestableFolder for HandleFolder {
    fn upload(bytes: &[u8]) -> Option<Blob> {
        let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
        Blob::new_with_u8_array_sequence(&parts).ok()
    }

    async fn bytes(body: &File) -> Vec<u8> {
        match JsFuture::from(body.array_buffer()).await {
            Ok(buffer) => js_sys::Uint8Array::new(&buffer).to_vec(),
            Err(_) => Vec::new(),
        }
    }
}

#[wasm_bindgen_test]
async fn every_folder_case_holds_on_opfs_in_a_service_worker() {
    assert!(global_scope().is_instance_of::<web_sys::ServiceWorkerGlobalScope>(), "not in a service worker");
    let root: FileSystemDirectoryHandle =
        JsFuture::from(global_scope().navigator().storage().get_directory()).await.unwrap().unchecked_into();
    // A directory of its own per run: OPFS outlives the test.
    let base = SafePath::parse(&format!("folder-cases-{}", js_sys::Date::now() as u64)).unwrap();
    let folder = HandleFolder::new(root, "cases".to_owned());
    assert_eq!(run_all(&folder, &base).await, Ok(CASES.len()));
}
