"""The kinds of case DOMAIN.md names; admins add, rename or retire their own later."""

from django.db import migrations

SUBCATEGORIES = [
    # category, code, Chinese name, English name, working days to handle (None: category's)
    ("safety", "fire_exit", "消防通道堵塞", "Blocked fire exit", 1),
    ("safety", "gas", "燃气隐患", "Gas hazard", 1),
    ("safety", "hazardous_goods", "违规存放危险品", "Illegal storage of hazardous goods", 1),
    ("safety", "construction_safety", "施工安全", "Construction safety", 2),
    ("safety", "electrical", "电气线路隐患", "Electrical risk", 1),
    ("petition", "petition_general", "一般信访", "Petition", None),
    ("petition", "petition_joint", "联名信访", "Joint petition", None),
    ("housing", "delivery_delay", "逾期交房", "Late delivery", 5),
    ("housing", "construction_stalled", "项目停工", "Construction stalled", 5),
    ("housing", "quality_defect", "房屋质量问题", "Quality defect", 5),
    ("other", "sanitation", "环境卫生", "Sanitation", 2),
    ("other", "roads_lights", "道路与路灯", "Roads and street lights", 3),
    ("other", "neighbour_dispute", "邻里纠纷", "Neighbour dispute", 5),
    ("other", "illegal_construction", "违法建设", "Illegal construction", 5),
    ("other", "public_order", "社会治安", "Public order", 1),
    ("other", "elderly_care", "养老服务", "Elderly care", 3),
]


def seed(apps, schema_editor):
    Subcategory = apps.get_model("incidents", "Subcategory")
    for category, code, name, name_en, days in SUBCATEGORIES:
        Subcategory.objects.update_or_create(
            code=code,
            defaults={"category": category, "name": name, "name_en": name_en, "handling_days": days},
        )


class Migration(migrations.Migration):
    dependencies = [("incidents", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
