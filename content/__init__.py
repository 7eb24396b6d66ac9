"""The content app: `load_content` turns the files of content/<lang>/ into rows and pages.

It sits above every domain app (it calls their models and services to apply what the files
say) and below `lms`; no domain app imports it. The data folders (content/ar, content/en,
content/glossary.yaml) live beside the code; see content/README.md."""
