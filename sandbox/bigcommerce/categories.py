"""Categories (the legacy `/catalog/categories` and the tree API), category trees and brands.

The emulated store has one category tree (id 1, channel 1), as a store without extra
storefronts does.
"""

import uuid

from django.db.models import QuerySet

from sandbox.bigcommerce.api import ApiError
from sandbox.bigcommerce.catalog import slug
from sandbox.bigcommerce.models import Brand, Category, Metafield, Product, SandboxStore
from sandbox.bigcommerce.services import next_id
from sandbox.bigcommerce.validation import Errors, batch, body_object
from sandbox.bigcommerce.webhooks import emit

TREE = {"id": 1, "name": "Default", "channels": [1]}
CATEGORY_DEFAULTS = {
    "description": "",
    "views": 0,
    "page_title": "",
    "meta_keywords": [],
    "meta_description": "",
    "layout_file": "category.html",
    "image_url": "",
    "search_keywords": "",
    "default_product_sort": "use_store_settings",
}
BRAND_DEFAULTS = {
    "page_title": "",
    "meta_keywords": [],
    "meta_description": "",
    "search_keywords": "",
    "image_url": "",
}
# Batch creates and updates of tree categories have no documented size limit.
CATEGORY_BATCH_LIMIT = 1000


# --- representation -----------------------------------------------------------------------------
def category_path(category: Category) -> str:
    return category.body.get("url") or f"/{slug(category.name)}/"


def render_category(category: Category) -> dict:
    body = {**CATEGORY_DEFAULTS, **category.body}
    return {
        "id": category.bc_id,
        "parent_id": category.parent_id,
        "name": category.name,
        "description": body["description"],
        "views": body["views"],
        "sort_order": category.sort_order,
        "page_title": body["page_title"],
        "meta_keywords": body["meta_keywords"],
        "meta_description": body["meta_description"],
        "layout_file": body["layout_file"],
        "image_url": body["image_url"],
        "is_visible": category.is_visible,
        "search_keywords": body["search_keywords"],
        "default_product_sort": body["default_product_sort"],
        "custom_url": {
            "url": category_path(category),
            "is_customized": bool(category.body.get("url")),
        },
    }


def render_tree_category(category: Category) -> dict:
    legacy = render_category(category)
    data = {
        "category_id": category.bc_id,
        "category_uuid": str(category.uuid),
        "parent_id": category.parent_id,
        "tree_id": category.tree_id,
        "name": category.name,
    }
    data.update(
        {k: v for k, v in legacy.items() if k not in ("id", "parent_id", "name", "custom_url")}
    )
    data["url"] = {"path": category_path(category), "is_customized": bool(category.body.get("url"))}
    return data


def render_tree(categories: list[Category]) -> list[dict]:
    """The nested tree of /catalog/trees/{id}/categories."""
    children = {}
    for category in sorted(categories, key=lambda c: (c.sort_order, c.bc_id)):
        children.setdefault(category.parent_id, []).append(category)

    def node(category: Category, path: list[int]) -> dict:
        return {
            "id": category.bc_id,
            "parent_id": category.parent_id,
            "depth": len(path) + 1,
            "path": [*path, category.bc_id],
            "name": category.name,
            "is_visible": category.is_visible,
            "children": [
                node(c, [*path, category.bc_id]) for c in children.get(category.bc_id, [])
            ],
            "url": category_path(category),
        }

    return [node(root, []) for root in children.get(0, [])]


def render_brand(brand: Brand) -> dict:
    body = {**BRAND_DEFAULTS, **brand.body}
    return {
        "id": brand.bc_id,
        "name": brand.name,
        "page_title": body["page_title"],
        "meta_keywords": body["meta_keywords"],
        "meta_description": body["meta_description"],
        "image_url": body["image_url"],
        "search_keywords": body["search_keywords"],
        "custom_url": {
            "url": body.get("url") or f"/brands/{slug(brand.name)}/",
            "is_customized": bool(body.get("url")),
        },
    }


# --- categories ---------------------------------------------------------------------------------
def categories(store: SandboxStore) -> QuerySet:
    return Category.objects.filter(store=store)


def get_category(store: SandboxStore, category_id: int) -> Category:
    category = categories(store).filter(bc_id=category_id).first()
    if category is None:
        raise ApiError(404, "The requested category was not found.")
    return category


def _check_category(store, data: dict, errors: Errors, prefix: str, creating: bool) -> None:
    if creating:
        errors.missing(data, ("name",), prefix)
        if data.get("parent_id") is None:
            errors[f"{prefix}parent_id"] = "error.path.missing"
    errors.text(data, "name", prefix, 50)
    errors.integer(data, "parent_id", prefix)
    errors.integer(data, "sort_order", prefix)
    errors.boolean(data, "is_visible", prefix)
    parent = data.get("parent_id")
    if isinstance(parent, int) and parent and not categories(store).filter(bc_id=parent).exists():
        errors[f"{prefix}parent_id"] = "The parent category does not exist."


def _apply_category(category: Category, data: dict) -> None:
    for name in ("name", "parent_id", "sort_order", "is_visible"):
        if name in data and data[name] is not None:
            setattr(category, name, data[name])
    url = data.get("custom_url") or data.get("url")
    if isinstance(url, dict) and (url.get("url") or url.get("path")):
        category.body["url"] = url.get("url") or url.get("path")
    category.body.update({k: data[k] for k in CATEGORY_DEFAULTS if k in data})


def create_category(store: SandboxStore, data) -> Category:
    data = body_object(data)
    errors = Errors()
    _check_category(store, data, errors, "", creating=True)
    errors.raise_if_any()
    return _new_category(store, data)


def _new_category(store: SandboxStore, data: dict) -> Category:
    category = Category(store=store, bc_id=next_id(store, "category"), uuid=uuid.uuid4(), body={})
    _apply_category(category, data)
    category.save()
    emit(store, "store/category/created", {"type": "category", "id": category.bc_id})
    return category


def update_category(category: Category, data) -> Category:
    data = body_object(data)
    errors = Errors()
    _check_category(category.store, data, errors, "", creating=False)
    if data.get("parent_id") == category.bc_id:
        errors["parent_id"] = "A category cannot be its own parent."
    errors.raise_if_any()
    _apply_category(category, data)
    category.save()
    emit(category.store, "store/category/updated", {"type": "category", "id": category.bc_id})
    return category


def delete_categories(store: SandboxStore, ids: list[int]) -> int:
    doomed = list(categories(store).filter(bc_id__in=ids))
    for category in doomed:
        _check_deletable(store, category, set(ids))
    for category in doomed:
        category.delete()
        emit(store, "store/category/deleted", {"type": "category", "id": category.bc_id})
    deleted = [category.bc_id for category in doomed]
    Metafield.objects.filter(
        store=store, resource_type="category", resource_id__in=deleted
    ).delete()
    return len(doomed)


def _check_deletable(store: SandboxStore, category: Category, deleting: set[int]) -> None:
    # The platform refuses a deletion that would orphan products (FACTS.md §5); the emulator
    # also keeps subcategories from losing their parent.
    if categories(store).filter(parent_id=category.bc_id).exclude(bc_id__in=deleting).exists():
        raise ApiError(409, f"Category {category.bc_id} has subcategories.")
    for body in Product.objects.filter(store=store).values_list("body", flat=True):
        assigned = set(body.get("categories") or [])
        if category.bc_id in assigned and not assigned - deleting:
            raise ApiError(
                409, f"Deleting category {category.bc_id} would leave products without a category."
            )


# --- the tree API (batch) -----------------------------------------------------------------------
def create_tree_categories(store: SandboxStore, data) -> list[Category]:
    items = batch(data, CATEGORY_BATCH_LIMIT)
    errors = Errors()
    for index, item in enumerate(items):
        _check_category(store, item, errors, f"{index}.", creating=True)
        if item.get("tree_id") not in (None, TREE["id"]):
            errors[f"{index}.tree_id"] = "The category tree does not exist."
    errors.raise_if_any()
    return [_new_category(store, item) for item in items]


def update_tree_categories(store: SandboxStore, data) -> list[Category]:
    items = batch(data, CATEGORY_BATCH_LIMIT)
    found = {
        c.bc_id: c
        for c in categories(store).filter(bc_id__in=[i.get("category_id") for i in items])
    }
    errors = Errors()
    for index, item in enumerate(items):
        if item.get("category_id") not in found:
            errors[f"{index}.category_id"] = "The category was not found."
        else:
            _check_category(store, item, errors, f"{index}.", creating=False)
    errors.raise_if_any()
    return [update_category(found[item["category_id"]], item) for item in items]


# --- brands -------------------------------------------------------------------------------------
def brands(store: SandboxStore) -> QuerySet:
    return Brand.objects.filter(store=store)


def get_brand(store: SandboxStore, brand_id: int) -> Brand:
    brand = brands(store).filter(bc_id=brand_id).first()
    if brand is None:
        raise ApiError(404, "The requested brand was not found.")
    return brand


def save_brand(store: SandboxStore, data, brand: Brand | None = None) -> Brand:
    data = body_object(data)
    errors = Errors()
    if brand is None:
        errors.missing(data, ("name",))
    errors.text(data, "name")
    errors.raise_if_any()
    name = data.get("name") or brand.name
    if brands(store).filter(name=name).exclude(pk=brand.pk if brand else None).exists():
        raise ApiError(409, f"Brand name {name} is a duplicate.", {"name": "error.duplicate"})
    brand = brand or Brand(store=store, bc_id=next_id(store, "brand"), body={})
    brand.name = name
    brand.body.update({k: data[k] for k in BRAND_DEFAULTS if k in data})
    if isinstance(data.get("custom_url"), dict) and data["custom_url"].get("url"):
        brand.body["url"] = data["custom_url"]["url"]
    brand.save()
    return brand


def delete_brand(brand: Brand) -> None:
    for product in Product.objects.filter(store=brand.store):
        if product.body.get("brand_id") == brand.bc_id:
            product.body["brand_id"] = 0
            product.save(update_fields=["body"])
    brand.delete()
    Metafield.objects.filter(
        store=brand.store, resource_type="brand", resource_id=brand.bc_id
    ).delete()
